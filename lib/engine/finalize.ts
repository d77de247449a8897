/**
 * From a file's raw matches to its findings: one finding per risk and place, `when` conditions, suppressions,
 * fingerprints, redacted snippets and messages. Pure.
 */
import type { Check } from "./rulebook.ts";
import type { DependencyIndex } from "./dependencies.ts";
import { fingerprintAll } from "./fingerprint.ts";
import type { LoadedPath } from "./artifact-links.ts";
import { MESSAGE_VAR } from "./message.ts";
import { isPlaceholderSecret, redact } from "./redact.ts";
import { SEVERITY_RANK, type CodeContext, type Finding, type Severity, type Suppression } from "./types.ts";
import type { RawMatch } from "./match.ts";

const SNIPPET_MAX_LINES = 6;
const SNIPPET_MAX_LINE_CHARS = 240;

/**
 * Drops the matches whose check's `when` condition fails for this file, and gives those it holds for the
 * condition's message with {{DEPENDENCY}} set to what decided. `deps` is called only when some match has a
 * condition, so a scan reads the repository's dependency declarations only when a finding depends on them.
 */
export function applyWhen(path: string, raw: readonly RawMatch[], deps: () => Pick<DependencyIndex, "mayBeBelow">): RawMatch[] {
  const out: RawMatch[] = [];
  for (const r of raw) {
    const when = r.check.when;
    if (!when || (when.captured && r.vars[when.captured] === undefined)) {
      out.push(r);
      continue;
    }
    const answer = deps().mayBeBelow(path, when.dependency, when.mayBeBelow);
    if (answer.below) out.push({ ...r, vars: { ...r.vars, DEPENDENCY: answer.found }, message: when.message ?? r.message });
  }
  return out;
}

const SUPPRESSION = /posture:\s*ignore\[([^\]]*)\]\s*(.*)$/;

/**
 * The hygiene check that reports suppressions giving no reason (rules/ml-serving/suppression-hygiene.policy.yaml).
 * No comment suppresses it: a reasonless comment hiding the report of reasonless comments would defeat it.
 */
export const MISSING_REASON_CHECK = "ml-serving.suppression.missing-reason";

/** `# posture: ignore[check-id, other-id] reason` on the finding's first line or the line above it. */
function suppressionFor(lines: readonly string[], line: number, ruleId: string): { reason: string; line: number } | undefined {
  if (ruleId === MISSING_REASON_CHECK) return undefined;
  for (const at of [line, line - 1]) {
    const l = lines[at];
    const m = l === undefined ? null : SUPPRESSION.exec(l);
    if (!m) continue;
    const ids = m[1]!.split(",").map((s) => s.trim());
    if (ids.includes(ruleId)) return { reason: m[2]!.trim(), line: at };
  }
  return undefined;
}

/** How a file's suppressions are applied: the severities the organisation does not honour them for. */
export interface FinalizeOptions {
  refuse?: ReadonlySet<Severity>;
}

function snippetOf(lines: readonly string[], start: number, end: number, secrets: string[]): string {
  // Redact the whole matched range first, then cut it down: cutting first could split a secret and show half of it.
  const lineSecrets = secrets.flatMap((s) => (s.includes("\n") ? s.split(/\r?\n/).map((l) => l.trim()) : [])).filter((l) => l.length >= 4);
  const masked = redact(lines.slice(start, end + 1).join("\n"), [...secrets, ...lineSecrets]).split("\n");
  const shown = masked
    .slice(0, SNIPPET_MAX_LINES)
    .map((l) => (l.length > SNIPPET_MAX_LINE_CHARS ? `${l.slice(0, SNIPPET_MAX_LINE_CHARS)}…` : l));
  return masked.length > SNIPPET_MAX_LINES ? `${shown.join("\n")}\n…` : shown.join("\n");
}

export function renderMessage(template: string, vars: Record<string, string>, secrets: string[]): string {
  const filled = template.replace(MESSAGE_VAR, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) return name;
    return v.length > 80 ? `${v.slice(0, 80)}…` : v;
  });
  return redact(filled, secrets);
}

export interface FileScan {
  findings: Finding[];
  suppressed: Suppression[];
  /** The model file each loader finding's call names. */
  loads: Map<Finding, LoadedPath>;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/**
 * One risk at one place is one finding: of the matches that share a concern and a first line, the framework's own
 * check is kept over the framework-neutral ml-serving one, then the more severe, then the first check id.
 */
function keepOnePerConcern(raw: Iterable<RawMatch>, context: CodeContext): RawMatch[] {
  const kept = new Map<string, RawMatch>();
  const out: RawMatch[] = [];
  const rank = (r: RawMatch) => (r.check.framework === "ml-serving" ? 0 : 10) + SEVERITY_RANK[severityIn(r.check, context)];
  for (const r of raw) {
    if (!r.check.concern) {
      out.push(r);
      continue;
    }
    const key = `${r.check.concern}:${r.start.line}`;
    const other = kept.get(key);
    if (!other || rank(r) > rank(other) || (rank(r) === rank(other) && r.check.id < other.check.id)) kept.set(key, r);
  }
  return [...out, ...kept.values()];
}

/** A check's severity for code of this context: its contextSeverity entry, else its own. */
export function severityIn(check: Pick<Check, "severity" | "contextSeverity">, context: CodeContext): Severity {
  return (context !== "production" && check.contextSeverity?.[context]) || check.severity;
}

const countedPlaceholders = new WeakMap<Check, RegExp>();

/** Whether the check counts stand-ins as values for this match's capture (the check's placeholdersCount). */
function placeholdersCount(r: RawMatch): boolean {
  const spec = r.check.placeholdersCount;
  if (!spec) return false;
  let re = countedPlaceholders.get(r.check);
  if (!re) countedPlaceholders.set(r.check, (re = new RegExp(spec.regex, "iu")));
  return re.test(r.vars[spec.captured] ?? "");
}

/**
 * Turns one file's raw matches into findings: one per (check, position), in file order, fingerprinted,
 * with suppressions applied and secrets masked. `context` is the file's (lib/engine/context.ts); it sets the
 * findings' context and severity but never their fingerprints, so a file reclassified keeps its findings.
 */
export function finalizeFile(
  path: string,
  lines: readonly string[],
  raw: readonly RawMatch[],
  context: CodeContext,
  opts: FinalizeOptions = {},
): FileScan {
  // Overlapping ast-grep alternatives (`any:`) must not double-report.
  const unique = new Map<string, RawMatch>();
  for (const r of raw) {
    if (r.check.notIn?.includes(context as Exclude<CodeContext, "production">)) continue;
    // A credential check's match whose secret captures are all stand-ins (changeme, <your-key>, xxxx) is no credential.
    if (r.secrets.length > 0 && r.secrets.every(isPlaceholderSecret) && !placeholdersCount(r)) continue;
    unique.set(`${r.check.id}:${r.start.line}:${r.start.column}`, r);
  }
  const ordered = [...keepOnePerConcern(unique.values(), context)].sort(
    (a, b) => a.start.line - b.start.line || a.start.column - b.start.column || a.check.id.localeCompare(b.check.id),
  );

  const redactedTexts = ordered.map((r) => redact(r.text, r.secrets));
  const fingerprints = fingerprintAll(ordered.map((r, i) => ({ ruleId: r.check.id, path, scope: r.scope, text: redactedTexts[i]! })));

  const findings: Finding[] = [];
  const suppressed: Suppression[] = [];
  const loads = new Map<Finding, LoadedPath>();
  ordered.forEach((r, i) => {
    const severity =
      r.severity && SEVERITY_RANK[r.severity] < SEVERITY_RANK[severityIn(r.check, context)] ? r.severity : severityIn(r.check, context);
    const suppression = suppressionFor(lines, r.start.line, r.check.id);
    const refused = suppression !== undefined && opts.refuse?.has(severity) === true;
    if (suppression !== undefined && !refused) {
      suppressed.push({
        ruleId: r.check.id,
        path,
        line: r.start.line + 1,
        reason: suppression.reason || "(no reason given)",
        fingerprint: fingerprints[i]!,
        commentLine: suppression.line + 1,
        severity,
        ...(suppression.reason ? {} : { noReason: true as const }),
      });
      return;
    }
    // tree-sitter ends a node that finishes a line at column 0 of the next line; report the last real line instead.
    let endLine = r.end.line;
    let endColumn = r.end.column;
    if (endColumn === 0 && endLine > r.start.line) {
      endLine -= 1;
      endColumn = lines[endLine]?.length ?? 0;
    }
    const finding: Finding = {
      ruleId: r.check.id,
      policy: r.check.policy,
      framework: r.check.framework,
      severity,
      path,
      line: r.start.line + 1,
      column: r.start.column + 1,
      endLine: endLine + 1,
      endColumn: endColumn + 1,
      message: renderMessage(r.message ?? r.check.message, r.vars, r.secrets),
      snippet: snippetOf(lines, r.start.line, endLine, r.secrets),
      fingerprint: fingerprints[i]!,
      context,
      ...(refused && suppression ? { refusedSuppression: { reason: suppression.reason || null, line: suppression.line + 1 } } : {}),
    };
    findings.push(finding);
    if (r.loads) loads.set(finding, r.loads);
  });
  return { findings, suppressed, loads };
}
