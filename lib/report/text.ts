import type { ScanResult, Severity } from "../engine/types.ts";
import { SEVERITIES } from "../engine/types.ts";

const COLOUR: Record<Severity | "dim" | "bold", [number, number]> = {
  critical: [35, 39],
  high: [31, 39],
  medium: [33, 39],
  low: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** Human-readable report grouped by file, coloured when `colour` is set. */
export function toText(result: ScanResult, colour: boolean): string {
  const c = (style: keyof typeof COLOUR, s: string) => (colour ? `\x1b[${COLOUR[style][0]}m${s}\x1b[${COLOUR[style][1]}m` : s);
  const out: string[] = [];
  let current = "";
  for (const f of result.findings) {
    if (f.path !== current) {
      current = f.path;
      out.push("", c("bold", f.path));
    }
    out.push(`  ${c("dim", `${f.line}:${f.column}`.padEnd(8))} ${c(f.severity, f.severity.padEnd(8))} ${f.message} ${c("dim", `[${f.ruleId}]`)}`);
    for (const l of f.snippet.split("\n").slice(0, 3)) out.push(`  ${" ".repeat(8)} ${c("dim", "│")} ${l}`);
  }
  if (result.errors.length) {
    out.push("", c("bold", "Errors"));
    for (const e of result.errors) out.push(`  ${e.path}: ${e.message}`);
  }
  const counts = SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const bySeverity = counts.length ? ` (${counts.map(([s, n]) => c(s, `${n} ${s}`)).join(", ")})` : "";
  const skipped = Object.values(result.stats.skipped).reduce((a, b) => a + (b ?? 0), 0);
  out.push(
    "",
    `${result.findings.length} finding${result.findings.length === 1 ? "" : "s"}${bySeverity} in ${result.stats.files} files` +
      `, ${result.stats.suppressed} suppressed, ${skipped} skipped, ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}` +
      ` · ${result.stats.rules} checks · ${result.stats.durationMs} ms`,
  );
  return out.join("\n").replace(/^\n/, "") + "\n";
}
