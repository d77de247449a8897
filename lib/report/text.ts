import type { ScanResult, Severity } from "../engine/types.ts";
import { CODE_CONTEXTS, SEVERITIES } from "../engine/types.ts";
import { REPO_CONFIG_FILE } from "../engine/repo-config.ts";

const COLOUR: Record<Severity | "dim" | "bold", [number, number]> = {
  critical: [35, 39],
  high: [31, 39],
  medium: [33, 39],
  low: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export interface TextOptions {
  /** Also list the skipped files with their reasons and what .posture.yaml asked for. */
  verbose?: boolean;
}

/** Human-readable report grouped by file, coloured when `colour` is set. */
export function toText(result: ScanResult, colour: boolean, opts: TextOptions = {}): string {
  const c = (style: keyof typeof COLOUR, s: string) => (colour ? `\x1b[${COLOUR[style][0]}m${s}\x1b[${COLOUR[style][1]}m` : s);
  const out: string[] = [];
  let current = "";
  for (const f of result.findings) {
    if (f.path !== current) {
      current = f.path;
      out.push("", c("bold", f.path));
    }
    // Production is the default and goes unsaid; anything else changes how much the finding matters.
    const where = f.context === "production" ? "" : `${c("bold", `(${f.context})`)} `;
    out.push(
      `  ${c("dim", `${f.line}:${f.column}`.padEnd(8))} ${c(f.severity, f.severity.padEnd(8))} ${where}${f.message} ${c("dim", `[${f.ruleId}]`)}`,
    );
    for (const l of f.snippet.split("\n").slice(0, 3)) out.push(`  ${" ".repeat(8)} ${c("dim", "│")} ${l}`);
    // Code that loads a model file and the findings in that file name each other.
    for (const r of f.related ?? [])
      out.push(
        `  ${" ".repeat(8)} ${c("dim", "↳")} ${r.path}:${r.line} ${c(r.severity, r.severity)} ${r.message} ${c("dim", `[${r.ruleId}]`)}`,
      );
  }
  if (result.errors.length) {
    out.push("", c("bold", "Errors"));
    for (const e of result.errors) out.push(`  ${e.path}: ${e.message}`);
  }
  if (opts.verbose) out.push(...verboseSections(result, (s) => c("bold", s)));
  const counts = SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const bySeverity = counts.length ? ` (${counts.map(([s, n]) => c(s, `${n} ${s}`)).join(", ")})` : "";
  const skipped = Object.values(result.stats.skipped).reduce((a, b) => a + (b ?? 0), 0);
  const byContext = CODE_CONTEXTS.filter((x) => x !== "production")
    .map((x) => [x, result.findings.filter((f) => f.context === x).length] as const)
    .filter(([, n]) => n > 0);
  out.push("");
  if (byContext.length) out.push(`Not production code: ${byContext.map(([x, n]) => `${n} in ${x}`).join(", ")}`);
  const models = result.stats.artifacts;
  if (models) {
    const formats = Object.entries(models.formats)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([f, n]) => `${n} ${f}`);
    out.push(
      `Model files: ${models.files} read (${formats.join(", ")}), ${models.pickles} pickle${models.pickles === 1 ? "" : "s"}${models.safe ? `, ${models.safe} in formats that cannot carry code` : ""}`,
    );
  }
  out.push(
    `${result.findings.length} finding${result.findings.length === 1 ? "" : "s"}${bySeverity} in ${result.stats.files} files` +
      `, ${result.stats.suppressed} suppressed, ${skipped} skipped, ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}` +
      ` · ${result.stats.rules} checks · ${result.stats.durationMs} ms` +
      (!opts.verbose && result.skippedFiles.length ? " · --verbose lists the skipped files" : "") +
      (result.advisoriesNotReached.length
        ? `\n${result.advisoriesNotReached.length} affected dependenc${result.advisoriesNotReached.length === 1 ? "y" : "ies"} not reported: no code reaches the vulnerable part${opts.verbose ? "" : " (--verbose lists them)"}`
        : ""),
  );
  return `${out.join("\n").replace(/^\n/, "")}\n`;
}

function verboseSections(result: ScanResult, heading: (s: string) => string): string[] {
  const out: string[] = [];
  const cfg = result.repoConfig;
  if (cfg) {
    out.push("", heading(`Repository configuration (${REPO_CONFIG_FILE})`));
    for (const e of cfg.exclusions) out.push(`  excluded  ${e.path}: ${e.reason}`);
    for (const o of cfg.contextOverrides) out.push(`  context   ${o.path}: ${o.context}`);
    for (const d of cfg.disabledChecks) out.push(`  disabled  ${d.check} in ${d.paths.join(", ")}: ${d.reason}`);
    if (!cfg.exclusions.length && !cfg.contextOverrides.length && !cfg.disabledChecks.length) out.push("  (asks for nothing)");
  }
  if (result.skippedFiles.length) {
    out.push("", heading("Skipped"));
    for (const s of result.skippedFiles) out.push(`  ${s.path}: ${s.reason}${s.detail ? ` (${s.detail})` : ""}`);
    if (result.skippedFilesOmitted) out.push(`  … and ${result.skippedFilesOmitted} more`);
  }
  if (result.advisoriesNotReached.length) {
    out.push("", heading("Affected, not reached by code (not reported)"));
    for (const n of result.advisoriesNotReached)
      out.push(
        `  ${n.path}:${n.line}  ${n.package} ${n.declared}  ${n.advisory} (${n.severity}): ${n.summary}; none of ${n.filesLooked} Python file${n.filesLooked === 1 ? "" : "s"} uses or names ${n.reachedBy.slice(0, 3).join(", ")}${n.reachedBy.length > 3 ? ", …" : ""}`,
      );
  }
  return out;
}
