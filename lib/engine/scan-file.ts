import { readFileSync } from "node:fs";
import type { CompiledRulebook } from "./match.ts";
import { scanText } from "./match.ts";
import type { Finding, ScanError, SkipReason, Suppression } from "./types.ts";
import type { WalkedFile } from "./walk.ts";

export type FileOutcome =
  | { kind: "scanned"; bytes: number; findings: Finding[]; suppressed: Suppression[] }
  | { kind: "skipped"; reason: SkipReason }
  | { kind: "error"; error: ScanError };

const BINARY_SNIFF_BYTES = 8192;

function looksMinified(text: string): boolean {
  // Generated one-liners: a very long line that makes up most of the file.
  if (text.length < 2000) return false;
  let longest = 0;
  let lines = 0;
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    longest = Math.max(longest, end - start);
    lines++;
    if (nl === -1) break;
    start = nl + 1;
  }
  return longest > 5000 && text.length / lines > 500;
}

/** Reads and scans one file; every failure becomes an outcome, never an exception. */
export function scanFile(rulebook: CompiledRulebook, file: WalkedFile): FileOutcome {
  let buf: Buffer;
  try {
    buf = readFileSync(file.abs);
  } catch (e) {
    return { kind: "error", error: { path: file.rel, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? "error"})` } };
  }
  if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { kind: "skipped", reason: "binary" };
  // Invalid UTF-8 becomes U+FFFD: the rest of the file is still worth scanning.
  const text = buf.toString("utf8");
  if (looksMinified(text)) return { kind: "skipped", reason: "minified" };
  try {
    const { findings, suppressed } = scanText(rulebook, file.rel, text);
    return { kind: "scanned", bytes: buf.length, findings, suppressed };
  } catch (e) {
    return { kind: "error", error: { path: file.rel, message: `cannot analyse file: ${(e as Error).message.split("\n")[0]}` } };
  }
}
