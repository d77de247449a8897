import { readFileSync } from "node:fs";
import type { CompiledCheck, CompiledRegex, CompiledRulebook } from "./compile.ts";
import { textLines } from "./logical-lines.ts";
import { embeddedYamlMatches, selectChecks, regexMatches, type RawMatch } from "./match.ts";
import type { ScanError, SkipReason } from "./types.ts";
import type { WalkedFile } from "./walk.ts";

/** What the first pass learns of a file: its regex matches now, and which ast-grep checks must look at it. */
export type FileOutcome =
  | {
      kind: "read";
      bytes: number;
      raw: RawMatch[];
      astChecks: CompiledCheck[];
      validUtf8: boolean;
      text: string;
      /** Data-flow checks that apply if a repository module this file imports holds their sink side (selectChecks). */
      pendingFlow: CompiledCheck[];
      /** Data-flow checks whose sink side this file holds: it may hold a helper for an importer. */
      sinkSide: CompiledCheck[];
    }
  | { kind: "skipped"; reason: SkipReason }
  | { kind: "error"; error: ScanError };

const BINARY_SNIFF_BYTES = 8192;
const utf8 = new TextDecoder("utf-8", { fatal: true });

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

export function decode(buf: Buffer): { text: string; validUtf8: boolean } {
  try {
    return { text: utf8.decode(buf), validUtf8: true };
  } catch {
    // Invalid UTF-8 becomes U+FFFD: the rest of the file is still worth scanning.
    return { text: buf.toString("utf8"), validUtf8: false };
  }
}

/** Reads one file and runs its plain-text checks; every failure becomes an outcome, never an exception. */
export function readAndMatchText(rulebook: CompiledRulebook, file: WalkedFile): FileOutcome {
  let buf: Buffer;
  try {
    buf = readFileSync(file.abs);
  } catch (e) {
    return { kind: "error", error: { path: file.rel, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? "error"})` } };
  }
  if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { kind: "skipped", reason: "binary" };
  const { text, validUtf8 } = decode(buf);
  if (looksMinified(text)) return { kind: "skipped", reason: "minified" };
  const { applicable, pending, sinkSide } = selectChecks(rulebook, file.rel, text);
  const raw: RawMatch[] = [];
  const astChecks: CompiledCheck[] = [];
  let lines: string[] | undefined;
  for (const c of applicable) {
    if (c.matcher.kind === "regex")
      raw.push(...regexMatches((lines ??= textLines(file.rel, text)), c as CompiledCheck & { matcher: CompiledRegex }));
    else if (c.matcher.kind === "ast") astChecks.push(c);
  }
  // YAML inside YAML (KubeRay's serveConfigV2: |): rare, so parsed here rather than batched.
  raw.push(...embeddedYamlMatches(rulebook, file.rel, text));
  return { kind: "read", bytes: buf.length, raw, astChecks, validUtf8, text, pendingFlow: pending, sinkSide };
}
