/**
 * A repository's suppressions and exclusions as one scan found them (issue 16 §3), written in that scan's
 * persist transaction: the repository's rows are replaced, so the list is always its last successful scan's.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "../db/client.ts";
import { REPO_CONFIG_FILE } from "../engine/repo-config.ts";
import type { ScanResult } from "../engine/types.ts";
import { blameKey, type BlameAuthor } from "./blame.ts";

export interface SuppressionRow {
  kind: "inline" | "exclusion" | "disabled_check";
  checkId: string | null;
  path: string;
  line: number | null;
  findingLine: number | null;
  reason: string | null;
  severity: "critical" | "high" | "medium" | "low" | null;
  fingerprint: string | null;
  honoured: boolean;
}

/** The line of `.posture.yaml` where an entry naming `needle` starts (best effort: the first mention). */
function configLine(configText: string | undefined, needle: string): number | null {
  if (!configText) return null;
  const i = configText.split(/\r?\n/).findIndex((l) => l.includes(needle));
  return i < 0 ? null : i + 1;
}

/** What a scan result says is suppressed: honoured comments, refused ones (still findings), and the .posture.yaml entries. */
export function suppressionRows(result: Pick<ScanResult, "suppressed" | "findings" | "repoConfig">, configText?: string): SuppressionRow[] {
  const rows: SuppressionRow[] = [];
  for (const s of result.suppressed)
    rows.push({
      kind: "inline",
      checkId: s.ruleId,
      path: s.path,
      line: s.commentLine,
      findingLine: s.line,
      reason: s.noReason ? null : s.reason,
      severity: s.severity,
      fingerprint: s.fingerprint,
      honoured: true,
    });
  for (const f of result.findings)
    if (f.refusedSuppression)
      rows.push({
        kind: "inline",
        checkId: f.ruleId,
        path: f.path,
        line: f.refusedSuppression.line,
        findingLine: f.line,
        reason: f.refusedSuppression.reason,
        severity: f.severity,
        fingerprint: f.fingerprint,
        honoured: false,
      });
  for (const e of result.repoConfig?.exclusions ?? [])
    rows.push({
      kind: "exclusion",
      checkId: null,
      path: e.path,
      line: configLine(configText, e.path),
      findingLine: null,
      reason: e.reason,
      severity: null,
      fingerprint: null,
      honoured: true,
    });
  for (const d of result.repoConfig?.disabledChecks ?? [])
    rows.push({
      kind: "disabled_check",
      checkId: d.check,
      path: d.paths.join(", "),
      line: configLine(configText, d.check),
      findingLine: null,
      reason: d.reason,
      severity: null,
      fingerprint: null,
      honoured: true,
    });
  return rows;
}

/** Where each row's author is looked up: the comment's line, or the entry's line in .posture.yaml. */
export function blameTarget(row: Pick<SuppressionRow, "kind" | "path" | "line">): { path: string; line: number } | null {
  if (row.line === null) return null;
  return { path: row.kind === "inline" ? row.path : REPO_CONFIG_FILE, line: row.line };
}

const noNul = (s: string | null) => (s?.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s);

export async function replaceSuppressions(
  tx: Prisma.TransactionClient,
  input: {
    repositoryId: string;
    scanId: string;
    commitSha: string;
    rows: readonly SuppressionRow[];
    authors?: ReadonlyMap<string, BlameAuthor>;
    now: Date;
  },
): Promise<number> {
  await tx.codeSuppression.deleteMany({ where: { repositoryId: input.repositoryId } });
  if (!input.rows.length) return 0;
  const { count } = await tx.codeSuppression.createMany({
    data: input.rows.map((r) => {
      const target = blameTarget(r);
      const author = target ? input.authors?.get(blameKey(target.path, target.line)) : undefined;
      return {
        id: randomUUID(),
        repositoryId: input.repositoryId,
        scanId: input.scanId,
        commitSha: input.commitSha,
        kind: r.kind,
        checkId: r.checkId,
        path: noNul(r.path)!,
        line: r.line,
        findingLine: r.findingLine,
        reason: noNul(r.reason),
        severity: r.severity,
        fingerprint: r.fingerprint,
        honoured: r.honoured,
        authorName: author?.name ?? null,
        authorEmail: author?.email ?? null,
        authoredAt: author?.at ?? null,
        createdAt: input.now,
      };
    }),
  });
  return count;
}
