/**
 * The pipeline's part of governed suppressions (issue 16 §3): what a scan result suppresses, with authors from
 * `git blame` of the scanned commit. The engine stays pure; this runs on the worker's checkout after the scan.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_REPO_CONFIG_BYTES, REPO_CONFIG_FILE } from "../engine/repo-config.ts";
import { SEVERITIES, type ScanResult, type Severity } from "../engine/types.ts";
import { blameAuthors, DEFAULT_BLAME_LIMITS, type BlameAuthor, type BlameLimits } from "./blame.ts";
import { blameTarget, suppressionRows, type SuppressionRow } from "./persist.ts";

/** Commits fetched on top of the shallow clone so blame can name who wrote a recent suppression. */
export const BLAME_HISTORY_COMMITS = 200;

function configText(dest: string): string | undefined {
  try {
    const text = readFileSync(join(dest, REPO_CONFIG_FILE), "utf8");
    return text.length > MAX_REPO_CONFIG_BYTES ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Rows for persistScan, with their authors. `history` deepens the checkout first (best effort: a failure means
 * blame sees only the scanned commit, whose lines are then unknown).
 */
export async function collectSuppressions(
  dest: string,
  commit: string,
  result: Pick<ScanResult, "suppressed" | "findings" | "repoConfig">,
  opts: { history?: () => Promise<void>; limits?: BlameLimits; log?: (msg: string, fields?: Record<string, unknown>) => void } = {},
): Promise<{ rows: SuppressionRow[]; authors: Map<string, BlameAuthor> }> {
  const rows = suppressionRows(result, configText(dest));
  const targets = rows.map(blameTarget).filter((t): t is { path: string; line: number } => t !== null);
  if (!targets.length) return { rows, authors: new Map() };
  try {
    await opts.history?.();
  } catch (e) {
    opts.log?.("history for blame not fetched", { reason: (e as Error).message });
  }
  return { rows, authors: await blameAuthors(dest, commit, targets, opts.limits ?? DEFAULT_BLAME_LIMITS) };
}

/** The severities a scan refused suppressions of, from its stored stats (none for scans before the setting). */
export function refusedIn(stats: unknown): Severity[] {
  const r = (stats as { refusedSuppressions?: { severities?: unknown } } | null)?.refusedSuppressions?.severities;
  return Array.isArray(r) ? SEVERITIES.filter((s) => r.includes(s)) : [];
}

/** Whether two refusal settings are the same set: a changed setting makes an unchanged commit worth rescanning. */
export function sameRefusal(a: readonly Severity[], b: readonly Severity[]): boolean {
  return SEVERITIES.every((s) => a.includes(s) === b.includes(s));
}
