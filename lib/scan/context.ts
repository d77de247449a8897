/**
 * The lines around each finding, cut at scan time while the checkout still exists, for the finding's page.
 *
 * Secrets must not leak through the neighbourhood of a match: the matched lines are taken from the finding's
 * snippet (already redacted by the engine, including secrets only its check knew to be secrets), lines any
 * other finding of the file matched are taken from that finding's snippet too, and every other line is swept
 * for well-known token formats. Matched lines the snippet does not cover (a long match is cut short) are not
 * shown at all: the engine's redaction of them cannot be reproduced here.
 */
import { readFile, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { splitLines } from "../engine/finalize.ts";
import { KNOWN_TOKEN_PATTERNS, mask } from "../engine/redact.ts";
import { decode } from "../engine/scan-file.ts";
import type { Finding } from "../engine/types.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../engine/scan.ts";

export interface FindingContext {
  /** 1-based number of the first line. */
  start: number;
  lines: string[];
}

export const CONTEXT_RADIUS = 5;
export const CONTEXT_MAX_LINE_CHARS = 400;
/** Shown in place of a matched line the snippet does not cover. */
export const OMITTED_LINE = "⋯";

type Located = Pick<Finding, "line" | "endLine" | "snippet">;

function snippetLines(snippet: string): { lines: string[]; truncated: boolean } {
  const lines = snippet.split("\n");
  const truncated = lines.length > 1 && lines.at(-1) === "…";
  return { lines: truncated ? lines.slice(0, -1) : lines, truncated };
}

/**
 * Masks well-known token formats across the whole text, keeping its line count: a private key block over
 * twenty lines becomes twenty masked lines, so line numbers stay right.
 */
export function sweepKnownSecrets(lines: readonly string[]): string[] {
  let text = lines.join("\n");
  for (const re of KNOWN_TOKEN_PATTERNS) {
    text = text.replace(re, (m) => {
      if (m.endsWith("[redacted]")) return m;
      const parts = m.split("\n");
      return [mask(parts.length > 1 ? parts[0]! : m), ...parts.slice(1).map(() => "****[redacted]")].join("\n");
    });
  }
  return text.split("\n");
}

const clip = (l: string) => (l.length > CONTEXT_MAX_LINE_CHARS ? `${l.slice(0, CONTEXT_MAX_LINE_CHARS)}…` : l);

/** Contexts for the findings of one file, in the order given. `fileLines` are the file's raw lines. */
export function cutContexts(fileLines: readonly string[], findings: readonly Located[], radius = CONTEXT_RADIUS): FindingContext[] {
  const n = fileLines.length;
  const swept = sweepKnownSecrets(fileLines);
  // Line index (0-based) → what may be shown for it, from every finding's redacted snippet.
  const override = new Map<number, string>();
  const hitEnd = findings.map((f) => {
    const { lines } = snippetLines(f.snippet);
    const last = Math.max(f.line, Math.min(f.endLine, n));
    for (let ln = f.line; ln <= last; ln++) {
      const i = ln - f.line;
      const shown = i < lines.length ? lines[i]! : OMITTED_LINE;
      // Two findings on one line: either snippet is redacted, but prefer the omission marker over a guess.
      if (!override.has(ln - 1) || shown === OMITTED_LINE) override.set(ln - 1, shown);
    }
    return Math.min(last, f.line + Math.max(lines.length, 1) - 1);
  });
  return findings.map((f, k) => {
    if (f.line < 1 || f.line > n) return { start: f.line, lines: snippetLines(f.snippet).lines.map(clip) };
    const from = Math.max(1, f.line - radius);
    const to = Math.min(n, hitEnd[k]! + radius);
    const lines: string[] = [];
    for (let ln = from; ln <= to; ln++) lines.push(clip(override.get(ln - 1) ?? swept[ln - 1]!));
    return { start: from, lines };
  });
}

/**
 * Contexts for a scan's findings, keyed by fingerprint: each file with findings is read once from the
 * checkout. A file that cannot be read again leaves its findings without context (the page shows the snippet).
 */
export async function readContexts(
  root: string,
  findings: readonly (Located & Pick<Finding, "path" | "fingerprint">)[],
): Promise<Map<string, FindingContext>> {
  const byPath = new Map<string, (Located & Pick<Finding, "path" | "fingerprint">)[]>();
  for (const f of findings) (byPath.get(f.path) ?? byPath.set(f.path, []).get(f.path)!).push(f);
  const out = new Map<string, FindingContext>();
  const base = resolve(root);
  for (const [path, list] of byPath) {
    const abs = resolve(base, path);
    if (!abs.startsWith(base + sep)) continue;
    let text: string;
    try {
      // A model file's finding (lib/engine/artifacts) has no lines around it, its snippet lists what it imports:
      // never read a large or binary file for it.
      if ((await stat(abs)).size > DEFAULT_MAX_FILE_BYTES) continue;
      const bytes = await readFile(abs);
      if (bytes.subarray(0, 8192).includes(0)) continue;
      text = decode(bytes).text;
    } catch {
      continue;
    }
    const contexts = cutContexts(splitLines(text), list);
    list.forEach((f, i) => out.set(f.fingerprint, contexts[i]!));
  }
  return out;
}
