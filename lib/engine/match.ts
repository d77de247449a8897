/**
 * Matching one file's text against the checks that apply to it: which checks a file selects, ast-grep and
 * regex matches as raw matches, data-flow hits, YAML inside YAML. Pure: no file system, no network.
 */
import { parse, type SgNode, type SgRoot } from "@ast-grep/napi";
import type { Check } from "./rulebook.ts";
import { codeContext } from "./context.ts";
import { DependencyIndex } from "./dependencies.ts";
import { loadedPath, type LoadedPath } from "./artifact-links.ts";
import { analyseTaintChecks, parseErrorLine, tagNodes, type ImportedHelpersOf, type TaintHit, type TaintSpec } from "./taint.ts";
import { logicalLines, MAX_REGEX_LINE, textLines } from "./logical-lines.ts";

export { MAX_REGEX_LINE };
import { MESSAGE_VAR } from "./message.ts";
import type { CodeContext, Severity } from "./types.ts";
import {
  SYNTAX_ERROR_TAG,
  type AstLanguage,
  type CompiledAst,
  type CompiledCheck,
  type CompiledPrefilter,
  type CompiledRegex,
  type CompiledRulebook,
} from "./compile.ts";
import { applyWhen, finalizeFile, splitLines, type FileScan } from "./finalize.ts";

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
  const t = text
    .trim()
    .replace(/^["']|["']$/g, "")
    .replace(/_/g, "");
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function withinBounds(n: number | undefined, b: { gt?: number; gte?: number; lt?: number; lte?: number }): boolean {
  if (n === undefined || Number.isNaN(n)) return false;
  return (
    (b.gt === undefined || n > b.gt) &&
    (b.gte === undefined || n >= b.gte) &&
    (b.lt === undefined || n < b.lt) &&
    (b.lte === undefined || n <= b.lte)
  );
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
  const secrets = m.redact
    .map((name) => get(name)?.text())
    .filter((s): s is string => !!s)
    .map(stripQuotes);
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
  const secrets = c.matcher.redact
    .map((name) => hit.sink.getMatch(name)?.text())
    .filter((s): s is string => !!s)
    .map(stripQuotes);
  return {
    check: c.check,
    start: { line: r.start.line, column: r.start.column },
    end: { line: r.end.line, column: r.end.column },
    text: at.text(),
    scope: pythonScope(at),
    secrets,
    vars,
  };
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
  const hits = analyseTaintChecks(
    root,
    found,
    checks.map((c) => c.matcher.taint!),
    tags,
    ran?.imports,
  );
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

export function regexMatches(lines: readonly string[], c: CompiledCheck & { matcher: CompiledRegex }): RawMatch[] {
  const m = c.matcher;
  if (m.unless && lines.some((l) => l.length <= MAX_REGEX_LINE && m.unless!.test(l))) return [];
  const out: RawMatch[] = [];
  for (const { text, line, starts } of logicalLines(lines, m.joinContinuations)) {
    if (text.length > MAX_REGEX_LINE) continue;
    const hit = m.pattern.exec(text);
    if (!hit) continue;
    const { at: _at, ...groups } = hit.groups ?? {};
    const from = hit.indices?.groups?.at?.[0] ?? hit.index;
    // Where an offset in the joined text sits: the physical line (from `line`) and the column in it.
    const at = (offset: number) => {
      let k = starts.length - 1;
      while (k > 0 && starts[k]! > offset) k--;
      return { line: line + k, column: offset - starts[k]! };
    };
    out.push({
      check: c.check,
      start: at(from),
      end: at(hit.index + hit[0].length),
      text: hit[0].slice(from - hit.index),
      scope: "",
      secrets: m.redact.map((g) => groups[g]).filter((s): s is string => !!s),
      vars: Object.fromEntries(Object.entries(groups).filter((e): e is [string, string] => typeof e[1] === "string")),
    });
  }
  return out;
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
export function selectChecks(
  rulebook: CompiledRulebook,
  path: string,
  text: string,
): { applicable: CompiledCheck[]; pending: CompiledCheck[]; sinkSide: CompiledCheck[] } {
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

/** A YAML document held in a literal block scalar of another (KubeRay's serveConfigV2: |, a ConfigMap's data). */
export interface EmbeddedDocument {
  /** 0-based line of the document's first line in the host file, and the indentation stripped from each line. */
  line: number;
  indent: number;
  key: string;
  text: string;
}

const BLOCK_SCALAR = /^(\s*)(?:-\s+)?([A-Za-z0-9_./-]+|"[^"\n]*"|'[^'\n]*'):\s*\|[-+0-9]*\s*(?:#.*)?$/;
const YAML_LIKE = /^(?:[A-Za-z0-9_"'-][A-Za-z0-9_ "'./-]*:(?:\s|$)|-\s)/;

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
    docs.push({
      line: first,
      indent,
      key: m[2]!.replace(/^["']|["']$/g, ""),
      text: `${lines
        .slice(first, end)
        .map((l) => l.slice(indent))
        .join("\n")}\n`,
    });
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
    const checks = applicableChecks(rulebook, path, doc.text).filter(
      (c): c is CompiledCheck & { matcher: CompiledAst } => c.matcher.kind === "ast" && c.matcher.language === "yaml",
    );
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
  // what regex checks read: the lines, or a Markdown file's code only
  const regexLines = textLines(path, text);
  for (const c of applicable) {
    if (c.matcher.kind === "regex") {
      raw.push(...regexMatches(regexLines, c as CompiledCheck & { matcher: CompiledRegex }));
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
  return finalizeFile(
    path,
    lines,
    applyWhen(path, raw, () => DependencyIndex.EMPTY),
    context,
  );
}
