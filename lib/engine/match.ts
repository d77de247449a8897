/**
 * Matching one file's text against the checks that apply to it. Pure: no file system, no network.
 */
import { parse, registerDynamicLanguage, type NapiConfig, type SgNode, type SgRoot } from "@ast-grep/napi";
import python from "@ast-grep/lang-python";
import yaml from "@ast-grep/lang-yaml";
import picomatch from "picomatch";
import type { Check, Needle } from "./rulebook.ts";
import { needleRegExp, RulebookError } from "./rulebook.ts";
import { codeContext } from "./context.ts";
import { DependencyIndex } from "./dependencies.ts";
import { compileAdvisoryCheck, type CompiledAdvisories } from "./advisories.ts";
import { fingerprintAll } from "./fingerprint.ts";
import { compileArtifactMatch, isArtifactMatch, type CompiledArtifact } from "./artifacts/checks.ts";
import { mergeMember, sharedUtils, type MergeMember } from "./merge.ts";
import { loadedPath, type LoadedPath } from "./artifact-links.ts";
import { analyseTaintChecks, compileTaint, compileTaintSet, PARSE_ERROR_RULE, parseErrorLine, tagNodes, type CompiledTaint, type ImportedHelpersOf, type TaintHit, type TaintSpec } from "./taint.ts";
import { MESSAGE_VAR } from "./message.ts";
import { NeedleSet } from "./needles.ts";
import { isPlaceholderSecret, redact } from "./redact.ts";
import { SEVERITY_RANK, type CodeContext, type Finding, type Severity, type Suppression } from "./types.ts";

let registered = false;
export function ensureLanguages() {
  if (registered) return;
  registerDynamicLanguage({ python, yaml } as never);
  registered = true;
}

/** Regex checks look at one line at a time; longer lines (generated data, minified code) are not matched. */
export const MAX_REGEX_LINE = 4096;
const SNIPPET_MAX_LINES = 6;
const SNIPPET_MAX_LINE_CHARS = 240;

export type AstLanguage = "python" | "yaml";

export interface CompiledAst {
  kind: "ast";
  language: AstLanguage;
  config: NapiConfig;
  where: [string, { gt?: number; gte?: number; lt?: number; lte?: number }][];
  redact: string[];
  report?: string;
  /** Set for a data-flow check: `config` is then its tagged query, run by analyseTaint on a shared parse. */
  taint?: CompiledTaint;
  /** Set for a pattern check that can share a query with the others of a file (lib/engine/merge.ts). */
  merge?: MergeMember;
}
export interface CompiledRegex {
  kind: "regex";
  pattern: RegExp;
  unless?: RegExp;
  redact: string[];
}

export interface CompiledCheck {
  check: Check;
  /** Index into the rulebook's distinct glob sets (many checks share one, e.g. all Python files). */
  globSet: number;
  /** The prefilter as indexes into the rulebook's distinct needles: every `all` entry needs one of its needles. */
  prefilter?: CompiledPrefilter;
  /** A data-flow check's sink side: the file, or a repository module it imports, must pass it. */
  sinkPrefilter?: CompiledPrefilter;
  matcher: CompiledArtifact | CompiledAst | CompiledRegex | CompiledAdvisories;
}
type CompiledPrefilter = { all: number[][]; any: number[] };

export interface CompiledRulebook {
  checks: CompiledCheck[];
  globSets: ((path: string) => boolean)[];
  /** Distinct prefilter needles of all checks (checks share many: "bentoml", handler names). */
  needles: NeedleSet;
  /** True when at least one check could look at this path. */
  isTarget: (path: string) => boolean;
}

const EMPTY_DOC: Record<AstLanguage, string> = { python: "x = 1\n", yaml: "a: 1\n" };

/**
 * Compiles checks once; ast-grep rules are tried on a tiny document so a broken rule fails at load with its check
 * id. `trusted` skips that trial for checks that have compiled before (a cached rulebook): compiling the whole
 * rulebook's ast-grep rules costs about 0.2 s.
 */
export function compileChecks(checks: readonly Check[], opts: { trusted?: boolean } = {}): CompiledRulebook {
  ensureLanguages();
  const globKeys = new Map<string, number>();
  const globSets: ((path: string) => boolean)[] = [];
  const needleIds = new Map<string, number>();
  const needles: (string | RegExp)[] = [];
  const needle = (n: Needle) => {
    const key = typeof n === "string" ? `s${n}` : `r${n.ignoreCase ? "i" : ""}/${n.regex}`;
    let id = needleIds.get(key);
    if (id === undefined) {
      id = needles.push(typeof n === "string" ? n : needleRegExp(n)) - 1;
      needleIds.set(key, id);
    }
    return id;
  };
  const shared = sharedUtils(checks.map((c) => (c.match.language === "python" || c.match.language === "yaml") && !c.match.taint ? c.match.utils : undefined));
  const compiled = checks.map((check, index): CompiledCheck => {
    const key = JSON.stringify(check.files);
    let globSet = globKeys.get(key);
    if (globSet === undefined) {
      globSet = globSets.push(picomatch(check.files, { dot: true })) - 1;
      globKeys.set(key, globSet);
    }
    const m = check.match;
    // A misspelt `captured` would leave every match outside the condition, silently.
    if (check.when?.captured && !bindsVariable(check, check.when.captured)) throw new RulebookError(check.source, `check ${check.id}: when.captured is ${check.when.captured}, which its rule never binds`);
    let matcher: CompiledCheck["matcher"];
    if (isArtifactMatch(m)) matcher = compileArtifactMatch(m);
    else if (m.language === "advisories") matcher = compileAdvisoryCheck(check);
    else if (m.language === "regex") {
      const flags = m.ignoreCase ? "iu" : "u";
      matcher = {
        kind: "regex",
        pattern: new RegExp(m.pattern, flags),
        unless: m.unless ? new RegExp(m.unless, flags) : undefined,
        redact: m.redact ?? [],
      };
    } else {
      // A data-flow check is tried alone here (an error names it); it runs as part of the rulebook's TaintSet below.
      const taint = m.taint ? compileTaint(m.taint, m.utils) : undefined;
      // A Python pattern check also returns the file's parse errors (tagged, never findings): the scan learns which
      // files did not parse cleanly from the parses it makes anyway.
      const config: NapiConfig = taint
        ? taint.set.config
        : { rule: (m.language === "python" ? { any: [m.rule, { all: [PARSE_ERROR_RULE, { pattern: `$${SYNTAX_ERROR_TAG}` }] }] } : m.rule) as NapiConfig["rule"] };
      if (!taint && m.constraints) config.constraints = m.constraints as NapiConfig["constraints"];
      if (!taint && m.utils) config.utils = m.utils as NapiConfig["utils"];
      try {
        if (!opts.trusted) parse(m.language, EMPTY_DOC[m.language]).root().findAll(config);
      } catch (e) {
        throw new RulebookError(check.source, `check ${check.id}: invalid ast-grep rule: ${(e as Error).message.split("\n")[0]}`);
      }
      // Constraints apply to a whole query's match, so a check with them keeps a query of its own.
      const merge = taint || m.constraints ? undefined : mergeMember(index, m.rule as Record<string, unknown>, m.utils, shared);
      matcher = { kind: "ast", language: m.language, config, where: Object.entries(m.where ?? {}), redact: m.redact ?? [], report: m.report, taint, merge };
    }
    const compilePrefilter = (spec: Check["prefilter"]): CompiledPrefilter | undefined => {
      if (!spec) return undefined;
      const { all, any } = Array.isArray(spec) ? { all: undefined, any: spec } : spec;
      // Literals are found for every file in one pass; a regex costs a scan of its own. Test literal-only groups
      // first and literals before regexes within a group, so a regex runs only when the literals leave it open.
      const isRegex = (i: number) => typeof needles[i] !== "string";
      const cheapFirst = (ids: number[]) => [...ids].sort((a, b) => Number(isRegex(a)) - Number(isRegex(b)));
      const groups = (all ?? []).map((n) => cheapFirst((Array.isArray(n) ? n : [n]).map(needle)));
      groups.sort((a, b) => Number(a.some(isRegex)) - Number(b.some(isRegex)));
      return { all: groups, any: cheapFirst((any ?? []).map(needle)) };
    };
    return { check, globSet, prefilter: compilePrefilter(check.prefilter), sinkPrefilter: compilePrefilter(check.sinkPrefilter), matcher };
  });
  const flow = compiled.filter((c): c is CompiledCheck & { matcher: CompiledAst & { taint: CompiledTaint } } => c.matcher.kind === "ast" && !!c.matcher.taint);
  const set = compileTaintSet(flow.map((c) => ({ spec: (c.check.match as { taint: TaintSpec }).taint, utils: (c.check.match as { utils?: Record<string, unknown> }).utils, rank: SEVERITY_RANK[c.check.severity] })));
  flow.forEach((c, i) => (c.matcher.taint = set[i]!));
  return { checks: compiled, globSets, needles: new NeedleSet(needles), isTarget: (p) => globSets.some((m) => m(p)) };
}

/** Whether a check's rule (with its utils, shared ones merged) or regex can bind this metavariable or named group. */
function bindsVariable(check: Check, name: string): boolean {
  const m = check.match;
  if (m.language === "regex") return m.pattern.includes(`(?<${name}>`);
  return new RegExp(`\\$(?:\\$\\$)?${name}(?![A-Z0-9_])`).test(JSON.stringify(m));
}

export interface RawMatch {
  check: Check;
  /** 0-based, end exclusive column. */
  start: { line: number; column: number };
  end: { line: number; column: number };
  text: string;
  scope: string;
  secrets: string[];
  vars: Record<string, string>;
  /** The message template when not the check's own (a `when` condition's). */
  message?: string;
  /** The finding's own severity (an advisory's), at most the check's. */
  severity?: Severity;
  /** The model file a loader call names (checks with loadsModelFile). */
  loads?: LoadedPath;
}

function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/^["']|["']$/g, "").replace(/_/g, "");
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function withinBounds(n: number | undefined, b: { gt?: number; gte?: number; lt?: number; lte?: number }): boolean {
  if (n === undefined || Number.isNaN(n)) return false;
  return (b.gt === undefined || n > b.gt) && (b.gte === undefined || n >= b.gte) && (b.lt === undefined || n < b.lt) && (b.lte === undefined || n <= b.lte);
}

function pythonScope(node: SgNode): string {
  const names: string[] = [];
  for (const a of node.ancestors()) {
    const k = a.kind();
    if (k === "function_definition" || k === "class_definition") {
      const name = a.field("name")?.text();
      if (name) names.push(`${k === "class_definition" ? "class" : "def"} ${name}`);
    }
  }
  return names.reverse().join(" > ");
}

function yamlScope(node: SgNode): string {
  const keys: string[] = [];
  for (const a of node.ancestors()) {
    if (a.kind() === "block_mapping_pair" || a.kind() === "flow_pair") {
      const key = a.field("key")?.text();
      if (key) keys.push(key);
    }
  }
  return keys.reverse().join(" > ");
}

/** Tags the parse errors a Python pattern check's query returns beside its matches. */
export const SYNTAX_ERROR_TAG = "POSTURE_SYNTAX_ERROR";

/** The 1-based line of a parse error node a pattern check's query returned, or undefined for a real match. */
export function syntaxErrorLine(node: SgNode): number | undefined {
  return node.getMatch(SYNTAX_ERROR_TAG) ? node.range().start.line + 1 : undefined;
}

/** Converts one ast-grep match to a raw match, or null when a numeric bound rules it out (or it is a parse error). */
export function nodeToRaw(node: SgNode, c: CompiledCheck & { matcher: CompiledAst }, merged = false): RawMatch | null {
  const m = c.matcher;
  // In a merged query the node is this check's match (its tag is bound); a parse error is tagged apart.
  if (!merged && m.language === "python" && !m.taint && node.getMatch(SYNTAX_ERROR_TAG)) return null;
  const prefix = merged ? m.merge!.prefix : "";
  const get = (name: string) => node.getMatch(prefix + name);
  if (!m.where.every(([name, bound]) => withinBounds(parseNumber(get(name)?.text() ?? ""), bound))) return null;
  const target = (m.report && get(m.report)) || node;
  const r = target.range();
  const vars: Record<string, string> = {};
  for (const name of varNamesOf(c.check)) {
    const v = get(name);
    if (v) vars[name] = v.text();
  }
  const secrets = m.redact.map((name) => get(name)?.text()).filter((s): s is string => !!s).map(stripQuotes);
  const loads = c.check.loadsModelFile && node.kind() === "call" ? loadedPath(node) : undefined;
  return {
    ...(loads ? { loads } : {}),
    check: c.check,
    start: { line: r.start.line, column: r.start.column },
    end: { line: r.end.line, column: r.end.column },
    text: target.text(),
    scope: m.language === "python" ? pythonScope(target) : yamlScope(target),
    secrets,
    vars,
  };
}

/** Converts one taint hit (a source reaching a sink) to a raw match at the sink, or the helper call that leads to it. */
export function taintToRaw(hit: TaintHit, c: CompiledCheck & { matcher: CompiledAst }): RawMatch {
  const at = (c.check.match as { taint?: TaintSpec }).taint?.reportAt === "source" ? hit.source : hit.node;
  const r = at.range();
  const vars: Record<string, string> = {
    SOURCE: oneLine(hit.source.text()),
    SOURCE_LINE: String(hit.source.range().start.line + 1),
    SINK_LINE: String(hit.node.range().start.line + 1),
    // CALL, not SINK: sink rules bind $SINK to the tainted argument.
    CALL: oneLine(hit.sink.kind() === "call" ? (hit.sink.field("function")?.text() ?? hit.sink.text()) : hit.sink.text()),
    VIA: hit.via ? ` through ${hit.via}()` : "",
  };
  for (const name of varNamesOf(c.check)) {
    const v = hit.sink.getMatch(name);
    if (v) vars[name] = v.text();
  }
  const secrets = c.matcher.redact.map((name) => hit.sink.getMatch(name)?.text()).filter((s): s is string => !!s).map(stripQuotes);
  return { check: c.check, start: { line: r.start.line, column: r.start.column }, end: { line: r.end.line, column: r.end.column }, text: at.text(), scope: pythonScope(at), secrets, vars };
}

/** Runs a file's data-flow checks on its one parse; the first parse error's line comes back too. */
export function taintMatches(
  root: SgRoot,
  checks: readonly (CompiledCheck & { matcher: CompiledAst })[],
  ran?: {
    /** What the checks' TaintSet query found in this file, when the caller ran it already (findInFiles), and their tags. */
    nodes: readonly SgNode[];
    tags?: string[][];
    /** Helpers of the repository's other modules that this file calls (RepositoryFlow). */
    imports?: ImportedHelpersOf;
  },
): { raw: RawMatch[]; parseErrorLine?: number } {
  if (checks.length === 0) return { raw: [] };
  const set = checks[0]!.matcher.taint!.set;
  const found = ran?.nodes ?? root.root().findAll(set.config);
  const tags = ran?.tags ?? tagNodes(found, set);
  const raw: RawMatch[] = [];
  const hits = analyseTaintChecks(root, found, checks.map((c) => c.matcher.taint!), tags, ran?.imports);
  checks.forEach((c, i) => {
    for (const h of hits[i]!) raw.push(taintToRaw(h, c));
  });
  return { raw, parseErrorLine: parseErrorLine(found) };
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function stripQuotes(s: string): string {
  const m = /^[rRbBuUfF]{0,2}(["']{1,3})([\s\S]*)\1$/.exec(s);
  return m ? m[2]! : s;
}


function collectVarNames(message: string): string[] {
  return [...message.matchAll(MESSAGE_VAR)].map((x) => x[1]!);
}

/** The metavariables a match must keep: those its messages name, and the one its `when` condition looks for. */
function varNamesOf(check: Check): string[] {
  const names = collectVarNames(check.message);
  if (check.when?.message) names.push(...collectVarNames(check.when.message));
  if (check.when?.captured) names.push(check.when.captured);
  return names;
}

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

export function regexMatches(lines: readonly string[], c: CompiledCheck & { matcher: CompiledRegex }): RawMatch[] {
  const m = c.matcher;
  if (m.unless && lines.some((l) => l.length <= MAX_REGEX_LINE && m.unless!.test(l))) return [];
  const out: RawMatch[] = [];
  lines.forEach((line, i) => {
    if (line.length > MAX_REGEX_LINE) return;
    const hit = m.pattern.exec(line);
    if (!hit) return;
    const groups = hit.groups ?? {};
    out.push({
      check: c.check,
      start: { line: i, column: hit.index },
      end: { line: i, column: hit.index + hit[0].length },
      text: hit[0],
      scope: "",
      secrets: m.redact.map((g) => groups[g]).filter((s): s is string => !!s),
      vars: Object.fromEntries(Object.entries(groups).filter((e): e is [string, string] => typeof e[1] === "string")),
    });
  });
  return out;
}

const SUPPRESSION = /posture:\s*ignore\[([^\]]*)\]\s*(.*)$/;

/** `# posture: ignore[check-id, other-id] reason` on the finding's first line or the line above it. */
function suppressionFor(lines: readonly string[], line: number, ruleId: string): string | undefined {
  for (const l of [lines[line], lines[line - 1]]) {
    const m = l === undefined ? null : SUPPRESSION.exec(l);
    if (!m) continue;
    const ids = m[1]!.split(",").map((s) => s.trim());
    if (ids.includes(ruleId)) return m[2]!.trim() || "(no reason given)";
  }
  return undefined;
}

function snippetOf(lines: readonly string[], start: number, end: number, secrets: string[]): string {
  // Redact the whole matched range first, then cut it down: cutting first could split a secret and show half of it.
  const lineSecrets = secrets.flatMap((s) => (s.includes("\n") ? s.split(/\r?\n/).map((l) => l.trim()) : [])).filter((l) => l.length >= 4);
  const masked = redact(lines.slice(start, end + 1).join("\n"), [...secrets, ...lineSecrets]).split("\n");
  const shown = masked.slice(0, SNIPPET_MAX_LINES).map((l) => (l.length > SNIPPET_MAX_LINE_CHARS ? `${l.slice(0, SNIPPET_MAX_LINE_CHARS)}…` : l));
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

/** Checks whose globs take this path and whose prefilter (if any) the text passes. */
export function applicableChecks(rulebook: CompiledRulebook, path: string, text: string): CompiledCheck[] {
  return selectChecks(rulebook, path, text).applicable;
}

/**
 * The checks for one file: `applicable` pass globs and prefilters; `pending` are data-flow checks whose prefilter
 * passes but whose sink side does not (applicable if a module the file imports passes it); `sinkSide` are the
 * data-flow checks whose sink side the file passes (so it may hold a helper for an importer's check).
 */
export function selectChecks(rulebook: CompiledRulebook, path: string, text: string): { applicable: CompiledCheck[]; pending: CompiledCheck[]; sinkSide: CompiledCheck[] } {
  // Runs for every file and check: plain loops, and needles found once per file.
  const globs = rulebook.globSets.map((m) => m(path));
  let contains: ((needle: number) => boolean) | undefined;
  const has = (i: number) => (contains ??= rulebook.needles.tester(text))(i);
  const applicable: CompiledCheck[] = [];
  const pending: CompiledCheck[] = [];
  const sinkSide: CompiledCheck[] = [];
  for (const c of rulebook.checks) {
    if (!globs[c.globSet]) continue;
    const sinks = !c.sinkPrefilter || passesPrefilter(c.sinkPrefilter, has);
    if (c.sinkPrefilter && sinks) sinkSide.push(c);
    if (c.prefilter && !passesPrefilter(c.prefilter, has)) continue;
    (sinks ? applicable : pending).push(c);
  }
  return { applicable, pending, sinkSide };
}

function passesPrefilter(p: CompiledPrefilter, contains: (needle: number) => boolean): boolean {
  for (const alternatives of p.all) if (!alternatives.some(contains)) return false;
  return p.any.length === 0 || p.any.some(contains);
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

/**
 * Turns one file's raw matches into findings: one per (check, position), in file order, fingerprinted,
 * with suppressions applied and secrets masked. `context` is the file's (lib/engine/context.ts); it sets the
 * findings' context and severity but never their fingerprints, so a file reclassified keeps its findings.
 */
export function finalizeFile(path: string, lines: readonly string[], raw: readonly RawMatch[], context: CodeContext): FileScan {
  // Overlapping ast-grep alternatives (`any:`) must not double-report.
  const unique = new Map<string, RawMatch>();
  for (const r of raw) {
    // A credential check's match whose secret captures are all stand-ins (changeme, <your-key>, xxxx) is no credential.
    if (r.secrets.length > 0 && r.secrets.every(isPlaceholderSecret)) continue;
    unique.set(`${r.check.id}:${r.start.line}:${r.start.column}`, r);
  }
  const ordered = [...keepOnePerConcern(unique.values(), context)].sort((a, b) => a.start.line - b.start.line || a.start.column - b.start.column || a.check.id.localeCompare(b.check.id));

  const redactedTexts = ordered.map((r) => redact(r.text, r.secrets));
  const fingerprints = fingerprintAll(ordered.map((r, i) => ({ ruleId: r.check.id, path, scope: r.scope, text: redactedTexts[i]! })));

  const findings: Finding[] = [];
  const suppressed: Suppression[] = [];
  const loads = new Map<Finding, LoadedPath>();
  ordered.forEach((r, i) => {
    const reason = suppressionFor(lines, r.start.line, r.check.id);
    if (reason !== undefined) {
      suppressed.push({ ruleId: r.check.id, path, line: r.start.line + 1, reason, fingerprint: fingerprints[i]! });
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
      severity: r.severity && SEVERITY_RANK[r.severity] < SEVERITY_RANK[severityIn(r.check, context)] ? r.severity : severityIn(r.check, context),
      path,
      line: r.start.line + 1,
      column: r.start.column + 1,
      endLine: endLine + 1,
      endColumn: endColumn + 1,
      message: renderMessage(r.message ?? r.check.message, r.vars, r.secrets),
      snippet: snippetOf(lines, r.start.line, endLine, r.secrets),
      fingerprint: fingerprints[i]!,
      context,
    };
    findings.push(finding);
    if (r.loads) loads.set(finding, r.loads);
  });
  return { findings, suppressed, loads };
}

/** A YAML document held in a literal block scalar of another (KubeRay's serveConfigV2: |, a ConfigMap's data). */
export interface EmbeddedDocument {
  /** 0-based line of the document's first line in the host file, and the indentation stripped from each line. */
  line: number;
  indent: number;
  key: string;
  text: string;
}

const BLOCK_SCALAR = /^(\s*)(?:-\s+)?([A-Za-z0-9_.\/-]+|"[^"\n]*"|'[^'\n]*'):\s*\|[-+0-9]*\s*(?:#.*)?$/;
const YAML_LIKE = /^(?:[A-Za-z0-9_"'-][A-Za-z0-9_ "'.\/-]*:(?:\s|$)|-\s)/;

/**
 * Literal block scalars (`key: |`) whose first line reads as YAML (a `key:` or a `- ` item). Scripts, property
 * files and certificates in a block do not start that way and are left alone.
 */
export function embeddedYamlDocuments(text: string): EmbeddedDocument[] {
  if (!text.includes("|")) return [];
  const lines = splitLines(text);
  const docs: EmbeddedDocument[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BLOCK_SCALAR.exec(lines[i]!);
    if (!m) continue;
    const keyIndent = m[1]!.length;
    let first = i + 1;
    while (first < lines.length && lines[first]!.trim() === "") first++;
    if (first >= lines.length) break;
    const indent = lines[first]!.length - lines[first]!.trimStart().length;
    if (indent <= keyIndent || !YAML_LIKE.test(lines[first]!.trimStart())) continue;
    let end = first;
    while (end < lines.length && (lines[end]!.trim() === "" || lines[end]!.length - lines[end]!.trimStart().length >= indent)) end++;
    docs.push({ line: first, indent, key: m[2]!.replace(/^["']|["']$/g, ""), text: lines.slice(first, end).map((l) => l.slice(indent)).join("\n") + "\n" });
    i = end - 1;
  }
  return docs;
}

/**
 * Runs a YAML file's YAML checks on the documents embedded in its block scalars, as though each were a file at
 * the host's path, and places the matches at their lines and columns in the host.
 */
export function embeddedYamlMatches(rulebook: CompiledRulebook, path: string, text: string): RawMatch[] {
  if (!/\.ya?ml$/i.test(path)) return [];
  const out: RawMatch[] = [];
  for (const doc of embeddedYamlDocuments(text)) {
    const checks = applicableChecks(rulebook, path, doc.text).filter((c): c is CompiledCheck & { matcher: CompiledAst } => c.matcher.kind === "ast" && c.matcher.language === "yaml");
    if (checks.length === 0) continue;
    const root = parse("yaml", doc.text);
    for (const c of checks)
      for (const node of root.root().findAll(c.matcher.config)) {
        const r = nodeToRaw(node, c);
        if (!r) continue;
        out.push({
          ...r,
          start: { line: r.start.line + doc.line, column: r.start.column + doc.indent },
          end: { line: r.end.line + doc.line, column: r.end.column + (r.end.column === 0 && r.end.line > r.start.line ? 0 : doc.indent) },
          scope: [doc.key, r.scope].filter(Boolean).join(" > "),
        });
      }
  }
  return out;
}

/**
 * Runs every applicable check on one file's text, parsing it here (each ast-grep rule is compiled per call:
 * fine for one file; scanDirectory batches rules across files instead). `path` is relative with "/" separators;
 * the context is decided from path and text unless given (scanDirectory's come from .posture.yaml and CI too).
 */
export function scanText(rulebook: CompiledRulebook, path: string, text: string, context: CodeContext = codeContext(path, text)): FileScan {
  const applicable = applicableChecks(rulebook, path, text);
  if (applicable.length === 0) return { findings: [], suppressed: [], loads: new Map() };
  const lines = splitLines(text);
  const roots = new Map<AstLanguage, SgRoot>();
  const raw: RawMatch[] = [];
  for (const c of applicable) {
    if (c.matcher.kind === "regex") {
      raw.push(...regexMatches(lines, c as CompiledCheck & { matcher: CompiledRegex }));
      continue;
    }
    // Advisory checks read a repository's manifests together (scanDirectory).
    if (c.matcher.kind === "advisories") continue;
    if (c.matcher.kind === "artifact") continue; // model files: scanDirectory reads them (lib/engine/artifacts)
    const lang = c.matcher.language;
    let root = roots.get(lang);
    if (!root) {
      root = parse(lang, text);
      roots.set(lang, root);
    }
    if (c.matcher.taint) {
      raw.push(...taintMatches(root, [c as CompiledCheck & { matcher: CompiledAst }]).raw);
      continue;
    }
    for (const node of root.root().findAll(c.matcher.config)) {
      const r = nodeToRaw(node, c as CompiledCheck & { matcher: CompiledAst });
      if (r) raw.push(r);
    }
  }
  // One file has no repository around it: its dependencies are not pinned.
  raw.push(...embeddedYamlMatches(rulebook, path, text));
  return finalizeFile(path, lines, applyWhen(path, raw, () => DependencyIndex.EMPTY), context);
}
