/**
 * Data flow inside Python functions, in the manner of Semgrep's taint mode: a check names sources (values an
 * attacker controls), sinks (where such a value does harm), sanitizers (expressions whose value is safe) and
 * guards (statements after which a variable is safe), each an ast-grep rule; the engine follows values from
 * sources to sinks through the statements of each function, and up to MAX_HELPER_LEVELS of module-local helpers.
 *
 * Cost model (measured on the benchmark corpus): every napi call that takes a rule compiles it (~0.15 ms), and
 * walking nodes from JavaScript costs ~2 µs a node. So each check makes ONE native query per file (all of its
 * roles in one `any`, each branch tagged with a metavariable that tells the role), and JavaScript walks only the
 * functions that hold a sink or a source. Pure: no file system, no network.
 */
import { builtFromConstants } from "./constant-values.ts";
import { referencedUtils } from "./rulebook.ts";
import type { NapiConfig, SgNode, SgRoot } from "@ast-grep/napi";

type Rule = Record<string, unknown>;

export interface TaintSpec {
  sources: Rule[];
  sinks: Rule[];
  sanitizers?: Rule[];
  guards?: Rule[];
  throughHelpersOnly?: boolean;
  reportAt?: "sink" | "source";
  constantsAreSafe?: boolean;
}

type Role = "source" | "sink" | "sanitizer" | "guard";

/** One data-flow check's part of a TaintSet: which tags are its sources, sinks, sanitizers and guards. */
export interface CompiledTaint {
  set: TaintSet;
  roles: Map<string, Role>;
  throughHelpersOnly: boolean;
  /** A source that only interpolates values the code wrote itself (constant-values.ts) reaches nothing. */
  constantsAreSafe: boolean;
}

/**
 * Every data-flow check of a rulebook in ONE ast-grep query: compiling a rule (its regexes above all) costs
 * milliseconds, so a query per check and file would cost more than the analysis. Each distinct role rule is a
 * branch tagged with a metavariable; checks that share a rule (the shared sinks, sanitizers, guards) share its
 * branch. ast-grep's `any` binds the first branch that matches, so sinks come first, the most severe check's
 * first: a call that two different sink rules match counts for the more severe risk.
 */
export interface TaintSet {
  config: NapiConfig;
  /** The branches' tags in the order ast-grep tries them (a node carries the first that matched). */
  tags: string[];
  /**
   * The query with only the branches of these tags (and the parse errors): a file whose checks use a few of the
   * rulebook's sources and sinks need not try every node on the others. Built once per set of tags.
   */
  configFor(tags: ReadonlySet<string>): NapiConfig;
}

export interface TaintCheckInput {
  spec: TaintSpec;
  utils?: Record<string, unknown>;
  /** Higher is more severe: orders the sink branches. */
  rank?: number;
}

export const PARSE_ERROR_TAG = "POSTURE_TAINT_ERROR";
/** Where tree-sitter could not parse: an ERROR node. */
export const PARSE_ERROR_RULE = { kind: "ERROR" };
/**
 * The same, or a node holding a token tree-sitter had to invent (a MISSING node, zero-width and unnamed, so no
 * pattern binds it: in `def f(:` the parameters' `)`); the only other empty node is an empty file's module.
 * Looking at every node's children costs more, so only the data-flow query, run once per file, does it.
 */
const PARSE_ERROR_OR_MISSING_RULE = { any: [PARSE_ERROR_RULE, { has: { all: [{ regex: "^$" }, { not: { kind: "module" } }] } }] };

export function compileTaintSet(checks: readonly TaintCheckInput[]): CompiledTaint[] {
  const utils: Record<string, unknown> = {};
  const utilKeys = new Map<string, string>();
  const rules = new Map<string, { tag: string; rule: Rule; order: number }>();
  const perCheck: Map<string, Role>[] = [];
  const ORDER: Record<Role, number> = { sink: 0, source: 1, sanitizer: 2, guard: 3 };
  checks.forEach((c, ci) => {
    // This check's utils, renamed where another check defines the same name differently.
    const renames = new Map<string, string>();
    for (const [name, def] of Object.entries(c.utils ?? {})) {
      const json = JSON.stringify(def);
      let target = name;
      for (let k = 2; utilKeys.has(target) && utilKeys.get(target) !== json; k++) target = `${name}--${k}`;
      if (target !== name) renames.set(name, target);
    }
    for (const [name, def] of Object.entries(c.utils ?? {})) {
      const target = renames.get(name) ?? name;
      utilKeys.set(target, JSON.stringify(def));
      utils[target] = renamed(def, renames);
    }
    const roles = new Map<string, Role>();
    const add = (role: Role, list: Rule[] | undefined) =>
      (list ?? []).forEach((raw) => {
        const rule = renamed(raw, renames) as Rule;
        const key = JSON.stringify(rule);
        let entry = rules.get(key);
        const order = ORDER[role] * 100 - (role === "sink" ? (c.rank ?? 0) : 0);
        if (!entry) rules.set(key, (entry = { tag: `POSTURE_TAINT_${rules.size}`, rule, order }));
        else entry.order = Math.min(entry.order, order);
        roles.set(entry.tag, role);
      });
    add("sink", c.spec.sinks);
    add("source", c.spec.sources);
    add("sanitizer", c.spec.sanitizers);
    add("guard", c.spec.guards);
    perCheck[ci] = roles;
  });
  // ast-grep tries every node on a rule whose kinds it cannot see (a `matches` hides them), and the tag pattern
  // hides them too: state each branch's kinds up front, so the query skips every other node.
  const ordered = [...rules.values()].sort((x, y) => x.order - y.order);
  const hintOf = (rule: Rule) => {
    const kinds = potentialKinds(rule, utils, new Set());
    return kinds ? [{ any: [...kinds].sort().map((kind) => ({ kind })) }] : [];
  };
  // Each branch is built for the tags a query keeps (all of them, or those of one file's checks).
  const branches: ((keep: ReadonlySet<string>) => Rule | undefined)[] = [];
  // Sources that begin with the same test (most are "a parameter of a function ...") share one branch: the test
  // runs once per node, and every source whose rest matches binds its tag (each member is optional: `any` of it
  // and a pattern that matches anything), so a parameter that is request data to two frameworks' checks is a
  // source to both. Other roles keep one branch a rule: any binds the first that matches.
  const sourceGroups = new Map<string, { head: Rule; members: { tag: string; rest: Rule[] }[] }>();
  const sourceOrder: string[] = [];
  for (const r of ordered) {
    if (r.order < ORDER.source * 100 || r.order >= ORDER.sanitizer * 100) {
      if (sourceOrder.length && r.order >= ORDER.sanitizer * 100) flushSources();
      const branch = { all: [...hintOf(r.rule), r.rule, { pattern: `$${r.tag}` }] };
      branches.push((keep) => (keep.has(r.tag) ? branch : undefined));
      continue;
    }
    for (const alt of alternativesOf(r.rule, utils)) {
      const k = JSON.stringify(alt.head);
      let g = sourceGroups.get(k);
      if (!g) {
        sourceGroups.set(k, (g = { head: alt.head, members: [] }));
        sourceOrder.push(k);
      }
      g.members.push({ tag: r.tag, rest: alt.rest });
    }
  }
  flushSources();
  function flushSources() {
    for (const k of sourceOrder.splice(0)) {
      const g = sourceGroups.get(k)!;
      // Tests every member begins with run once, in the shared part: most nodes of a tree fail there (an
      // identifier that is no parameter), instead of failing each member's copy of the test in turn.
      const shared = commonPrefix(g.members.map((m) => m.rest));
      if (shared.length) {
        g.head = { all: [g.head, ...shared] };
        for (const m of g.members) m.rest = m.rest.slice(shared.length);
      }
      const { head } = g;
      const all = g.members;
      branches.push((keep) => {
        const members = all.filter((m) => keep.has(m.tag));
        if (members.length === 0) return undefined;
        if (members.length === 1) return { all: [...hintOf(head), head, ...members[0]!.rest, { pattern: `$${members[0]!.tag}` }] };
        return {
          // ...and at least one member must match: a parameter no framework calls with request data (most of
          // them) is then not handed back to JavaScript at all.
          all: [
            ...hintOf(head),
            head,
            { any: members.map((m) => (m.rest.length ? { all: m.rest } : { pattern: "$_" })) },
            ...members.map((m) => ({ any: [{ all: [...m.rest, { pattern: `$${m.tag}` }] }, { pattern: "$_" }] })),
          ],
        };
      });
    }
    sourceGroups.clear();
  }
  const parseErrors = { all: [PARSE_ERROR_OR_MISSING_RULE, { pattern: `$${PARSE_ERROR_TAG}` }] };
  const tags = ordered.map((r) => r.tag);
  const built = new Map<string, NapiConfig>();
  const configFor = (keep: ReadonlySet<string>): NapiConfig => {
    const key = tags.filter((t) => keep.has(t)).join(",");
    let config = built.get(key);
    if (!config) {
      const rules = branches.map((b) => b(keep)).filter((r): r is Rule => r !== undefined);
      config = { rule: { any: [...rules, parseErrors] } as NapiConfig["rule"] };
      // Only the utils these branches use: compiling a query costs more the more utils it holds.
      const used: Record<string, unknown> = {};
      const pending = [...referencedUtils(rules)];
      while (pending.length) {
        const name = pending.pop()!;
        if (name in used || !(name in utils)) continue;
        used[name] = utils[name];
        pending.push(...referencedUtils([utils[name]]));
      }
      if (Object.keys(used).length) config.utils = used as NapiConfig["utils"];
      built.set(key, config);
    }
    return config;
  };
  const set: TaintSet = { config: configFor(new Set(tags)), tags, configFor };
  return checks.map((c, i) => ({
    set,
    roles: perCheck[i]!,
    throughHelpersOnly: c.spec.throughHelpersOnly ?? false,
    constantsAreSafe: c.spec.constantsAreSafe ?? false,
  }));
}

/** The leading rules every list begins with (compared as JSON). */
function commonPrefix(lists: readonly Rule[][]): Rule[] {
  const [first, ...others] = lists;
  if (!first) return [];
  let n = 0;
  while (n < first.length && others.every((l) => n < l.length && JSON.stringify(l[n]) === JSON.stringify(first[n]))) n++;
  return first.slice(0, n);
}

/**
 * A rule as alternatives that each begin with one test: `matches` resolved, an `any` split into its members, an
 * `all` cut after its first entry. Matching any alternative is matching the rule.
 */
function alternativesOf(rule: Rule, utils: Record<string, unknown>, depth = 0): { head: Rule; rest: Rule[] }[] {
  const keys = Object.keys(rule);
  if (depth < 8 && keys.length === 1) {
    const only = rule[keys[0]!];
    if (keys[0] === "matches" && typeof only === "string" && utils[only] && typeof utils[only] === "object")
      return alternativesOf(utils[only] as Rule, utils, depth + 1);
    if (keys[0] === "any" && Array.isArray(only)) return (only as Rule[]).flatMap((r) => alternativesOf(r, utils, depth + 1));
    if (keys[0] === "all" && Array.isArray(only) && only.length >= 2) {
      // The first entry's own alternatives, each with the rest appended: a source written as "the framework's
      // request source, and ..." shares the framework source's branch (a separate branch would never bind: `any`
      // stops at the first that matches).
      const [first, ...rest] = only as Rule[];
      return alternativesOf(first!, utils, depth + 1).map((a) => ({ head: a.head, rest: [...a.rest, ...rest] }));
    }
  }
  return [{ head: rule, rest: [] }];
}

/** One check on its own (tests, and a check validated at load). */
export function compileTaint(spec: TaintSpec, utils?: Record<string, unknown>): CompiledTaint {
  return compileTaintSet([{ spec, utils }])[0]!;
}

/** The node kinds a rule can match, when its structure says (kind, any, all, matches); undefined when any kind. */
export function potentialKinds(rule: unknown, utils: Record<string, unknown>, seen: Set<string>): Set<string> | undefined {
  if (!rule || typeof rule !== "object") return undefined;
  const r = rule as Record<string, unknown>;
  const parts: (Set<string> | undefined)[] = [];
  if (typeof r.kind === "string") parts.push(new Set([r.kind]));
  if (typeof r.matches === "string" && !seen.has(r.matches)) {
    const next = new Set(seen).add(r.matches);
    parts.push(potentialKinds(utils[r.matches], utils, next));
  }
  if (Array.isArray(r.all)) for (const x of r.all) parts.push(potentialKinds(x, utils, seen));
  if (Array.isArray(r.any)) {
    const each = r.any.map((x) => potentialKinds(x, utils, seen));
    parts.push(each.some((k) => !k) ? undefined : new Set(each.flatMap((k) => [...k!])));
  }
  // A rule object is the conjunction of its keys: the known kind sets intersect.
  let out: Set<string> | undefined;
  for (const p of parts) if (p) out = out ? new Set([...out].filter((k) => p.has(k))) : p;
  return out;
}

function renamed(v: unknown, renames: Map<string, string>): unknown {
  if (renames.size === 0) return v;
  if (Array.isArray(v)) return v.map((x) => renamed(x, renames));
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k === "matches" && typeof x === "string" ? (renames.get(x) ?? x) : renamed(x, renames)]),
    );
  return v;
}

export interface TaintHit {
  /** The node to report: the sink, or the call of a helper that passes the value on to a sink. */
  node: SgNode;
  /** The matched sink node (inside the helper for a helper call). */
  sink: SgNode;
  source: SgNode;
  /** Set when the value reached the sink through a helper. */
  via?: string;
  /** The helper is another module's: `sink` is in that module's tree, and these are its tags. */
  viaImported?: boolean;
  sinkTags?: string[];
}

export interface TaintResult {
  hits: TaintHit[];
  /** 1-based line of the first parse error, when the file did not parse cleanly. */
  parseErrorLine?: number;
}

/** tree-sitter's node id: the same node found by different queries of one tree has the same id. */
const key = (n: SgNode): number => n.id();
/** The key of module-level code, which is no function. */
const MODULE = -1;

const FUNCTION = "function_definition";
/** How deep a chain of module-local helpers is followed: route -> helper -> helper -> the one holding the sink. */
const MAX_HELPER_LEVELS = 4;
const COMPREHENSIONS = new Set<string>(["list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"]);
/** Expressions whose value says something about tainted data but carries none of it. */
// `a or b` is one of its operands, so boolean_operator carries taint; `not x` is a bool.
const CLEAN_EXPRESSIONS = new Set<string>([
  "comparison_operator",
  "not_operator",
  "lambda",
  "integer",
  "float",
  "true",
  "false",
  "none",
  "string_content",
]);
/** Methods that look a key up in their object: with a clean object the result is clean, whatever the key. */
const LOOKUPS = new Set(["get", "pop", "__getitem__"]);
const EFFECT_TEXT = /:=|\.\s*(?:append|extend|update|insert|add|appendleft|setdefault)\s*\(/;
/** Methods that put their argument into the object they are called on (a list, dict, set). */
const MUTATORS = new Set(["append", "extend", "update", "insert", "add", "appendleft", "setdefault"]);

interface Roles {
  sinks: Map<number, SgNode>;
  sources: Map<number, SgNode>;
  sanitizers: Set<number>;
  /** Guard statements by their key. */
  guards: Map<number, SgNode[]>;
}

/** Where a tainted value came from: a source node, or the index of a parameter (when summarising a helper). */
type Origin = { source: SgNode } | { param: number };

export interface Helper {
  /** How the caller names it: `run_cmd`, `self.run_cmd`, `launch_utils.run` (the message's "through ...()"). */
  name: string;
  /**
   * Parameter index → the sinks inside the helper that it reaches: every one, since checks analysed together (a
   * group that differs only in sinks) may each own one of them.
   */
  sinkParams: Map<number, SgNode[]>;
  paramNames: string[];
  /** Set when the helper returns a value derived from a source. */
  returnsSource?: SgNode;
  /** A method: its first parameter is the instance (self.name(...), or obj.name(...) across modules). */
  method: boolean;
  /** Defined in another module of the repository: its sink nodes belong to that file's tree. */
  imported?: boolean;
  /** For an imported helper, each inner sink's tags (by that tree's node id: the caller's tags cannot tell). */
  sinkTags?: Map<number, string[]>;
}

/** Notes that a helper's parameter reaches a sink (once per sink). */
function addSinkParam(helper: Helper, param: number, sink: SgNode): void {
  const sinks = helper.sinkParams.get(param) ?? helper.sinkParams.set(param, []).get(param)!;
  if (!sinks.some((s) => key(s) === key(sink))) sinks.push(sink);
}

/**
 * Helpers of other modules a file calls, for one check (their summaries depend on its roles): the callees as
 * written here (a regex over a call's function text) and what each one is.
 */
export interface ImportedHelpers {
  calleeRegex: string;
  helperOf(callee: string): Helper | undefined;
}
export type ImportedHelpersOf = (compiled: CompiledTaint) => ImportedHelpers | undefined;

/**
 * Per-file memo of parent walks: every data-flow check of a file asks where the same nodes sit, and each step up
 * the tree is a call into napi.
 */
const enclosingMemo = new WeakMap<object, Map<number, SgNode | null>>();
let currentMemo: Map<number, SgNode | null> = new Map();

const textMemo = new WeakMap<object, string>();
function fileText(root: SgRoot): string {
  let t = textMemo.get(root);
  if (t === undefined) textMemo.set(root, (t = root.root().text()));
  return t;
}

function useFileMemo(root: SgRoot): void {
  let m = enclosingMemo.get(root);
  if (!m) enclosingMemo.set(root, (m = new Map()));
  currentMemo = m;
}

function enclosingFunction(n: SgNode): SgNode | null {
  const id = n.id();
  const hit = currentMemo.get(id);
  if (hit !== undefined) return hit;
  const path: number[] = [id];
  let found: SgNode | null = null;
  for (let p = n.parent(); p; p = p.parent()) {
    if (p.kind() === FUNCTION) {
      found = p;
      break;
    }
    const pid = p.id();
    const known = currentMemo.get(pid);
    if (known !== undefined) {
      found = known;
      break;
    }
    path.push(pid);
  }
  for (const x of path) currentMemo.set(x, found);
  return found;
}

function paramNames(fn: SgNode): string[] {
  const params = fn.field("parameters");
  if (!params) return [];
  const names: string[] = [];
  for (const p of params.children()) {
    const k = p.kind();
    if (k === "identifier") names.push(p.text());
    else if (k === "typed_parameter" || k === "default_parameter" || k === "typed_default_parameter") {
      const id = k === "typed_parameter" ? p.children().find((c) => c.kind() === "identifier") : p.field("name");
      if (id) names.push(id.text());
    } else if (k === "list_splat_pattern" || k === "dictionary_splat_pattern") {
      const id = p.children().find((c) => c.kind() === "identifier");
      if (id) names.push(id.text());
    }
  }
  return names;
}

/** The parameter a source node stands for, when the source matched inside a function's parameter list. */
function sourceParam(fn: SgNode, src: SgNode): string | undefined {
  const params = fn.field("parameters");
  if (!params) return undefined;
  const pr = params.range();
  const sr = src.range();
  if (sr.start.index < pr.start.index || sr.end.index > pr.end.index) return undefined;
  if (src.kind() === "identifier") return src.text();
  const id = src.kind() === "typed_parameter" ? src.children().find((c) => c.kind() === "identifier") : src.field("name");
  return id?.text();
}

/** Names bound by an assignment target (tuple unpacking, starred, parenthesized). */
function targetNames(target: SgNode, out: { names: string[]; containers: string[] }): void {
  const k = target.kind();
  if (k === "identifier") out.names.push(target.text());
  else if (k === "attribute") out.names.push(target.text());
  else if (k === "subscript") {
    const base = target.field("value");
    if (base) out.containers.push(base.text());
  } else for (const c of target.children()) if (c.isNamed()) targetNames(c, out);
}

class FunctionFlow {
  private tainted = new Map<string, Origin>();
  readonly hits: { sink: SgNode; origin: Origin; via?: { helper: Helper; inner: SgNode } }[] = [];
  private reported = new Set<number>();
  returned?: Origin;

  constructor(
    private fn: SgNode,
    private roles: Roles,
    private helpers: Map<string, Helper>,
    initial: Map<string, Origin>,
    /** Sinks inside this function, by the statement that holds them. */
    private sinksByStatement: Map<number, SgNode[]>,
    /** Helper calls inside this function by statement: checked like sinks. */
    private helperCalls: Map<number, HelperCall[]>,
  ) {
    this.tainted = new Map(initial);
  }

  run(): this {
    if (this.fn.kind() !== FUNCTION) {
      this.block(this.fn);
      return this;
    }
    const body = this.fn.field("body");
    if (body) this.block(body);
    return this;
  }

  private block(block: SgNode): void {
    for (const s of block.children()) if (s.isNamed()) this.statement(s);
  }

  /** Runs `f` on a copy of the state and merges back what it tainted: a branch may or may not run. */
  private branch(f: () => void): void {
    const before = new Map(this.tainted);
    f();
    for (const [k, v] of before) if (!this.tainted.has(k)) this.tainted.set(k, v);
  }

  private statement(s: SgNode): void {
    const k = s.kind();
    this.checkSinks(s);
    switch (k) {
      case "expression_statement":
        for (const c of s.children()) if (c.isNamed()) this.expressionEffects(c);
        // a validating call (`validate_input(x)`, raising on a bad value) guards what follows
        this.applyGuards(s);
        break;
      case "return_statement": {
        const v = s.children().find((c) => c.isNamed());
        const o = v && this.taintOf(v);
        if (o && !this.returned) this.returned = o;
        break;
      }
      case "if_statement":
        this.applyGuards(s);
        this.branch(() => this.blockOf(s.field("consequence")));
        for (const alt of s.children().filter((c) => c.kind() === "elif_clause" || c.kind() === "else_clause"))
          this.branch(() => {
            this.checkSinks(alt);
            this.blockOf(alt.field("consequence") ?? alt.field("body"));
          });
        break;
      case "for_statement": {
        const it = s.field("right");
        const o = it && this.taintOf(it);
        const left = s.field("left");
        if (o && left) this.bind(left, o);
        // Twice, so that a value built up across iterations (cmd += arg) reaches a sink earlier in the body.
        this.branch(() => {
          this.blockOf(s.field("body"));
          this.blockOf(s.field("body"));
        });
        const alt = s.children().find((c) => c.kind() === "else_clause");
        if (alt) this.blockOf(alt.field("body"));
        break;
      }
      case "while_statement":
        this.branch(() => {
          this.blockOf(s.field("body"));
          this.blockOf(s.field("body"));
        });
        break;
      case "with_statement":
        for (const item of s
          .children()
          .find((c) => c.kind() === "with_clause")
          ?.children() ?? []) {
          if (item.kind() !== "with_item") continue;
          const v = item.field("value");
          if (v?.kind() === "as_pattern") {
            const src = v.children().find((c) => c.isNamed());
            const target =
              v.field("alias") ??
              v
                .children()
                .filter((c) => c.isNamed())
                .at(-1);
            const o = src && this.taintOf(src);
            if (o && target && target !== src) this.bind(target, o);
          }
        }
        this.blockOf(s.field("body"));
        break;
      case "try_statement":
        this.branch(() => this.blockOf(s.field("body")));
        for (const c of s.children()) {
          if (c.kind() === "except_clause" || c.kind() === "except_group_clause") this.branch(() => this.exceptClause(c));
          else if (c.kind() === "else_clause" || c.kind() === "finally_clause") this.branch(() => this.blockOf(c.field("body") ?? c));
        }
        break;
      case "match_statement":
        for (const c of descendants(s, (n) => n.kind() === "case_clause")) this.branch(() => this.blockOf(c.field("consequence")));
        break;
      case "assert_statement":
        this.applyGuards(s);
        break;
      case "function_definition":
      case "class_definition":
      case "decorated_definition":
        // Analysed on their own.
        break;
      default:
        if (k === "block") this.block(s);
    }
  }

  private blockOf(b: SgNode | null | undefined): void {
    if (!b) return;
    if (b.kind() === "block") this.block(b);
    else this.statement(b);
  }

  /** `except E as name:` binds name; a source matched at that name (a caught exception's text) taints it. */
  private exceptClause(c: SgNode): void {
    const target = c
      .children()
      .find((x) => x.kind() === "as_pattern")
      ?.children()
      .find((x) => x.kind() === "as_pattern_target");
    const name = target?.children().find((x) => x.kind() === "identifier");
    if (name) {
      const src = this.roles.sources.get(key(name));
      if (src) this.tainted.set(name.text(), { source: src });
      else this.tainted.delete(name.text());
    }
    this.block(c);
  }

  private applyGuards(s: SgNode): void {
    for (const g of this.roles.guards.get(key(s)) ?? []) {
      const x = g.getMatch("X");
      if (x) this.tainted.delete(x.text());
    }
  }

  /** Assignments, augmented assignments, walrus and mutating calls change the state. */
  private expressionEffects(e: SgNode): void {
    const k = e.kind();
    if (k === "assignment") {
      const right = e.field("right");
      const left = e.field("left");
      if (!left) return;
      // a = b = value: the right side of the outer assignment is itself an assignment.
      if (right?.kind() === "assignment") this.expressionEffects(right);
      const o = right ? this.taintOf(right.kind() === "assignment" ? right.field("right")! : right) : undefined;
      if (o) this.bind(left, o);
      else {
        const t = { names: [] as string[], containers: [] as string[] };
        targetNames(left, t);
        for (const n of t.names) this.tainted.delete(n);
      }
    } else if (k === "augmented_assignment") {
      const right = e.field("right");
      const left = e.field("left");
      const o = right && this.taintOf(right);
      if (o && left) this.bind(left, o);
    } else {
      // Walking the expression costs napi calls per node; its text says whether there is anything to find.
      if (!EFFECT_TEXT.test(e.text())) return;
      for (const w of descendants(
        e,
        (n) => n.kind() === "named_expression" || (n.kind() === "call" && n.field("function")?.kind() === "attribute"),
      )) {
        if (w.kind() === "named_expression") {
          const o = this.taintOf(w.field("value")!);
          const name = w.field("name");
          if (o && name) this.tainted.set(name.text(), o);
        } else {
          const fn = w.field("function")!;
          const attr = fn.field("attribute")?.text();
          const obj = fn.field("object");
          if (!attr || !obj || !MUTATORS.has(attr)) continue;
          const args = w.field("arguments");
          const o = args && this.taintOfChildren(args);
          if (o) this.tainted.set(obj.text(), o);
        }
      }
    }
  }

  private bind(target: SgNode, o: Origin): void {
    const t = { names: [] as string[], containers: [] as string[] };
    targetNames(target, t);
    for (const n of [...t.names, ...t.containers]) this.tainted.set(n, o);
  }

  private checkSinks(s: SgNode): void {
    const ks = key(s);
    for (const sink of this.sinksByStatement.get(ks) ?? []) {
      const kk = key(sink);
      if (this.reported.has(kk)) continue;
      const o = this.inComprehensions(sink, () => this.sinkTaint(sink));
      if (o) {
        this.reported.add(kk);
        this.hits.push({ sink, origin: o });
      }
    }
    for (const { call, helper, deferred } of this.helperCalls.get(ks) ?? []) {
      const kk = key(call);
      if (this.reported.has(kk)) continue;
      // Every inner sink a tainted argument reaches: two arguments may reach two different checks' sinks.
      const found = this.inComprehensions(call, () => this.helperArgTaint(call, helper, deferred));
      if (found.length) this.reported.add(kk);
      for (const o of found) this.hits.push({ sink: call, origin: o.origin, via: { helper, inner: o.inner } });
    }
  }

  /** A sink is reached when its $SINK metavariable, or else any argument (or the node itself), is tainted. */
  private sinkTaint(sink: SgNode): Origin | undefined {
    const marked = sink.getMatch("SINK");
    if (marked) return this.taintOf(marked);
    const args = sink.kind() === "call" ? sink.field("arguments") : null;
    if (args) return this.taintOfChildren(args);
    return this.taintOf(sink);
  }

  private helperArgTaint(call: SgNode, helper: Helper, deferred?: DeferredArgs): { origin: Origin; inner: SgNode }[] {
    const out: { origin: Origin; inner: SgNode }[] = [];
    const seen = new Set<SgNode>();
    const at = (index: number | undefined, value: SgNode | null) => {
      const inners = (index !== undefined && index >= 0 ? helper.sinkParams.get(index) : undefined)?.filter((i) => !seen.has(i));
      if (!inners?.length || !value) return;
      const o = this.taintOf(value);
      if (o)
        for (const inner of inners) {
          seen.add(inner);
          out.push({ origin: o, inner });
        }
    };
    if (deferred) {
      const first = helper.method ? 1 : 0;
      deferred.positional.forEach((v, i) => at(first + i, v));
      for (const [name, value] of deferred.keywords) at(helper.paramNames.indexOf(name), value);
      return out;
    }
    const args = call.field("arguments");
    if (!args) return out;
    let pos = helper.method ? 1 : 0;
    for (const a of args.children()) {
      if (!a.isNamed() || a.kind() === "comment") continue;
      if (a.kind() === "keyword_argument") at(helper.paramNames.indexOf(a.field("name")?.text() ?? ""), a.field("value"));
      else if (a.kind() === "list_splat" || a.kind() === "dictionary_splat") {
        // *args / **kwargs may fill any parameter
        const o = this.taintOf(a);
        const first = [...helper.sinkParams.values()][0] ?? [];
        if (o)
          for (const inner of first.filter((i) => !seen.has(i))) {
            seen.add(inner);
            out.push({ origin: o, inner });
          }
      } else at(pos++, a);
    }
    return out;
  }

  private taintOfChildren(n: SgNode): Origin | undefined {
    for (const c of n.children()) {
      if (!c.isNamed() || c.kind() === "comment") continue;
      const o = this.taintOf(c);
      if (o) return o;
    }
    return undefined;
  }

  /** Whether an expression's value derives from a source, and from which. */
  taintOf(e: SgNode): Origin | undefined {
    const k = e.kind();
    const ke = key(e);
    const src = this.roles.sources.get(ke);
    if (src) return { source: src };
    if (this.roles.sanitizers.has(ke)) return undefined;
    if (CLEAN_EXPRESSIONS.has(k as string)) return undefined;
    switch (k) {
      case "identifier": {
        const name = e.text();
        return this.tainted.get(name);
      }
      case "attribute": {
        const whole = this.tainted.get(e.text());
        if (whole) return whole;
        const obj = e.field("object");
        return obj ? this.taintOf(obj) : undefined;
      }
      case "call": {
        const fn = e.field("function");
        const helper = fn && this.helperOf(fn);
        if (helper?.returnsSource) return { source: helper.returnsSource };
        // A value passes through calls we know nothing of (Semgrep's default): str(x), x.strip(), Path(x).
        if (fn?.kind() === "attribute") {
          // request.get_json(): the method itself may be the source
          const o = this.taintOf(fn);
          if (o) return o;
          // store.get(key) on a clean object is a lookup, like store[key]: the server's value, not the caller's.
          if (LOOKUPS.has(fn.field("attribute")?.text() ?? "")) return undefined;
        }
        const args = e.field("arguments");
        return args ? this.taintOfChildren(args) : undefined;
      }
      case "keyword_argument": {
        const v = e.field("value");
        return v ? this.taintOf(v) : undefined;
      }
      case "subscript": {
        // records[key] is the container's value, not the key's (Semgrep's taint_assume_safe_indexes): a caller's
        // id looking up the server's own record yields the server's data; data[0]["path"] stays tainted.
        const v = e.field("value");
        return v ? this.taintOf(v) : undefined;
      }
      case "list_comprehension":
      case "set_comprehension":
      case "dictionary_comprehension":
      case "generator_expression": {
        // The collection built is its elements: [preprocess(p) for p in payloads] is as clean as preprocess(p)
        // with p bound to an element of payloads, not as tainted as payloads.
        const body = e.field("body");
        return body ? this.inComprehensions(body, () => this.taintOf(body)) : this.taintOfChildren(e);
      }
      case "string":
        for (const c of e.children())
          if (c.kind() === "interpolation") {
            // through taintOf: an interpolation can itself be a sanitizer (a URL's path part)
            const o = this.taintOf(c);
            if (o) return o;
          }
        return undefined;
      default:
        return this.taintOfChildren(e);
    }
  }

  /**
   * Evaluates `f` with the loop variables of the comprehensions around `node` bound: `[open(r["p"]) for r in
   * data]` makes r as tainted as data for the sink inside, and a clean iterable shadows a tainted outer name.
   */
  private inComprehensions<T>(node: SgNode, f: () => T): T {
    const saved: [string, Origin | undefined][] = [];
    for (let p = node.parent(); p && p.kind() !== FUNCTION && p.kind() !== "block" && p.kind() !== "module"; p = p.parent()) {
      if (!COMPREHENSIONS.has(p.kind() as string)) continue;
      for (const clause of p.children()) {
        if (clause.kind() !== "for_in_clause") continue;
        const right = clause.field("right");
        const left = clause.field("left");
        if (!left) continue;
        const o = right ? this.taintOf(right) : undefined;
        const t = { names: [] as string[], containers: [] as string[] };
        targetNames(left, t);
        for (const n of t.names) {
          saved.push([n, this.tainted.get(n)]);
          if (o) this.tainted.set(n, o);
          else this.tainted.delete(n);
        }
      }
    }
    try {
      return f();
    } finally {
      for (const [n, prev] of saved.reverse()) {
        if (prev) this.tainted.set(n, prev);
        else this.tainted.delete(n);
      }
    }
  }

  private helperOf(fn: SgNode): Helper | undefined {
    if (fn.kind() === "identifier") {
      const h = this.helpers.get(fn.text());
      return h && !h.method ? h : undefined;
    }
    if (fn.kind() === "attribute" && fn.field("object")?.text() === "self") {
      const h = this.helpers.get(`self.${fn.field("attribute")?.text()}`);
      return h;
    }
    return undefined;
  }
}

/** The statement (a direct child of a block or the module) that holds `n`. */
function statementOf(n: SgNode): SgNode {
  let cur = n;
  for (let p = n.parent(); p; p = p.parent()) {
    const k = p.kind();
    if (k === "block" || k === "module") return cur;
    // A compound statement's header (if condition, for iterable, with items) belongs to the statement itself.
    if (k === "elif_clause" || k === "else_clause" || k === "except_clause") {
      if (cur.kind() !== "block") return p;
    }
    cur = p;
  }
  return cur;
}

/**
 * Runs one compiled taint check over a parsed file. `root` is shared by every taint check of the file: the
 * file is parsed once.
 */
export function analyseTaint(root: SgRoot, compiled: CompiledTaint): TaintResult {
  const nodes = root.root().findAll(compiled.set.config);
  return { ...analyseTaintNodes(root, nodes, compiled), parseErrorLine: parseErrorLine(nodes) };
}

/** The first line (1-based) of a parse error among a TaintSet query's nodes. */
export function parseErrorLine(nodes: readonly SgNode[]): number | undefined {
  let line: number | undefined;
  for (const n of nodes) if (n.getMatch(PARSE_ERROR_TAG)) line = Math.min(line ?? Infinity, n.range().start.line + 1);
  return line;
}

/**
 * Each node's tag: the first branch of the set that matched it (one lookup per node for all checks of a file).
 * `tags` are the branches the query held (configFor), in the set's order.
 */
export function tagNodes(nodes: readonly SgNode[], set: TaintSet, tags: readonly string[] = set.tags): string[][] {
  return nodes.map((n) => tags.filter((t) => n.getMatch(t)));
}

/**
 * Runs several checks over one file at once where they differ only in their sinks (the shared request sources,
 * sanitizers and guards): the flow through each function is followed once for the group, and each hit goes to
 * the checks whose sink it reached. Returns the hits of each check, in the order given.
 */
export function analyseTaintChecks(
  root: SgRoot,
  nodes: readonly SgNode[],
  checks: readonly CompiledTaint[],
  tags: string[][],
  imports?: ImportedHelpersOf,
): TaintHit[][] {
  const out: TaintHit[][] = checks.map(() => []);
  const groups = new Map<string, number[]>();
  checks.forEach((c, i) => {
    const k = JSON.stringify([...c.roles].filter(([, r]) => r !== "sink").sort());
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(i);
  });
  const tagOf = new Map<number, string[]>();
  nodes.forEach((n, i) => tags[i]!.length && tagOf.set(key(n), tags[i]!));
  for (const members of groups.values()) {
    if (members.length === 1) {
      out[members[0]!] = onePerNode(analyseTaintNodes(root, nodes, checks[members[0]!]!, tags, imports).hits);
      continue;
    }
    const roles = new Map(checks[members[0]!]!.roles);
    for (const i of members) for (const [t, r] of checks[i]!.roles) if (r === "sink" && !roles.has(t)) roles.set(t, "sink");
    const merged: CompiledTaint = { set: checks[members[0]!]!.set, roles, throughHelpersOnly: false, constantsAreSafe: false };
    for (const hit of analyseTaintNodes(root, nodes, merged, tags, imports).hits) {
      const ts = (hit.viaImported ? hit.sinkTags : tagOf.get(key(hit.sink))) ?? [];
      for (const i of members) {
        const c = checks[i]!;
        if (!ts.some((t) => c.roles.get(t) === "sink") || (c.throughHelpersOnly && !hit.via)) continue;
        if (c.constantsAreSafe && builtFromConstants(hit.source)) continue;
        out[i]!.push(hit);
      }
    }
    for (const i of members) out[i] = onePerNode(out[i]!);
  }
  return out;
}

/** One hit per reported node and check: a helper call passing two tainted arguments to two sinks is one finding. */
function onePerNode(hits: TaintHit[]): TaintHit[] {
  const seen = new Set<number>();
  return hits.filter((h) => !seen.has(key(h.node)) && !!seen.add(key(h.node)));
}

/** Each node's role for one check: the first of its tags that the check gives a role. */
function rolesOf(nodes: readonly SgNode[], tags: string[][], compiled: CompiledTaint): Roles {
  const roles: Roles = { sinks: new Map(), sources: new Map(), sanitizers: new Set(), guards: new Map() };
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    let role: Role | undefined;
    for (const t of tags[i]!) if ((role = compiled.roles.get(t))) break;
    if (role === "sink") roles.sinks.set(key(n), n);
    else if (role === "source") roles.sources.set(key(n), n);
    else if (role === "sanitizer") roles.sanitizers.add(key(n));
    else if (role === "guard") {
      const k = key(n);
      (roles.guards.get(k) ?? roles.guards.set(k, []).get(k)!).push(n);
    }
  }
  return roles;
}

/**
 * What a module offers the others for one check: its top-level functions (`name`) and its classes' methods
 * (`Class.name`) whose parameter reaches a sink of the check inside them, or reaches one of the module's own
 * top-level functions that does (two levels; a third is not followed). Lazy: a module is indexed on the first lookup and each function summarised only when
 * a caller names it (a large module's other functions cost nothing).
 */
export interface ModuleHelpers {
  /** The functions and methods that hold a sink of the check: the only names worth resolving a call to. */
  names(): string[];
  get(name: string): Helper | undefined;
}

export function moduleHelpers(
  root: SgRoot,
  nodes: readonly SgNode[],
  compiled: CompiledTaint,
  tags: string[][] = tagNodes(nodes, compiled.set),
): ModuleHelpers {
  let index:
    | {
        roles: Roles;
        tagOf: Map<number, string[]>;
        byId: Map<string, { fn: SgNode; method: boolean; sinks: SgNode[] }>;
        callers: Map<string, { fn: SgNode; method: boolean; calls: { call: SgNode; target: string; deferred?: DeferredArgs }[] }>;
      }
    | undefined;
  const done = new Map<string, Helper | undefined>();
  const withFileMemo = <T>(f: () => T): T => {
    const saved = currentMemo;
    useFileMemo(root);
    try {
      return f();
    } finally {
      currentMemo = saved;
    }
  };
  const build = () => {
    const roles = rolesOf(nodes, tags, compiled);
    const tagOf = new Map(nodes.map((n, i) => [key(n), tags[i]!]));
    const byId = new Map<string, { fn: SgNode; method: boolean; sinks: SgNode[] }>();
    for (const s of roles.sinks.values()) {
      const fn = enclosingFunction(s);
      const id = fn && exportedName(fn);
      if (!id) continue;
      (byId.get(id.name) ?? byId.set(id.name, { fn: fn!, method: id.method, sinks: [] }).get(id.name)!).sinks.push(s);
    }
    // The module's second level, as inside a file: a function that hands its parameter to one of its own
    // sink-holding functions (`run_job(path)` calling `_run_subprocess(path)`) is a helper for importers too.
    const callers = new Map<string, { fn: SgNode; method: boolean; calls: { call: SgNode; target: string; deferred?: DeferredArgs }[] }>();
    const local = [...byId].filter(([, e]) => !e.method).map(([n]) => n);
    if (local.length)
      for (const { call, target, deferred } of helperCalls(root, [{ kind: "identifier" }], `^(${local.map(escapeRegex).join("|")})$`)) {
        const fn = enclosingFunction(call);
        const id = fn && exportedName(fn);
        if (!id || byId.has(id.name)) continue;
        (callers.get(id.name) ?? callers.set(id.name, { fn: fn!, method: id.method, calls: [] }).get(id.name)!).calls.push({
          call,
          target: target.text(),
          deferred,
        });
      }
    return { roles, tagOf, byId, callers };
  };
  const summarise = (name: string): Helper | undefined => {
    index ??= build();
    const entry = index.byId.get(name);
    if (entry) return summariseSinkHelper(entry.fn, name, entry.method, index.roles, entry.sinks);
    const caller = index.callers.get(name);
    if (!caller) return undefined;
    const inner = new Map<string, Helper>();
    const calls = new Map<number, HelperCall[]>();
    for (const c of caller.calls) {
      const e = index.byId.get(c.target);
      const h = inner.get(c.target) ?? (e && summariseSinkHelper(e.fn, c.target, false, index.roles, e.sinks));
      if (!h) continue;
      inner.set(c.target, h);
      const sk = key(statementOf(c.call));
      (calls.get(sk) ?? calls.set(sk, []).get(sk)!).push({ call: c.call, helper: h, deferred: c.deferred });
    }
    if (!calls.size) return undefined;
    const names = paramNames(caller.fn);
    const initial = new Map<string, Origin>();
    names.forEach((n, i) => {
      if (!(caller.method && i === 0)) initial.set(n, { param: i });
    });
    const flow = new FunctionFlow(caller.fn, index.roles, inner, initial, new Map(), calls).run();
    const helper: Helper = { name, sinkParams: new Map(), paramNames: names, method: caller.method };
    for (const h of flow.hits) if ("param" in h.origin) addSinkParam(helper, h.origin.param, h.via?.inner ?? h.sink);
    return helper.sinkParams.size ? helper : undefined;
  };
  const get = (name: string) => {
    if (done.has(name)) return done.get(name);
    const helper = withFileMemo(() => {
      const h = summarise(name);
      return (
        h && {
          ...h,
          imported: true,
          sinkTags: new Map([...h.sinkParams.values()].flat().map((n) => [key(n), index!.tagOf.get(key(n)) ?? []])),
        }
      );
    });
    done.set(name, helper);
    return helper;
  };
  return {
    get,
    names: () =>
      withFileMemo(() => {
        index ??= build();
        return [...index.byId.keys(), ...index.callers.keys()];
      }),
  };
}

/** How another module names a function: `name` at the top level, `Class.name` for a method of a top-level class. */
function exportedName(fn: SgNode): { name: string; method: boolean } | undefined {
  const name = fn.field("name")?.text();
  const parent = fn.parent()?.kind() === "decorated_definition" ? fn.parent()!.parent() : fn.parent();
  if (!name || !parent) return undefined;
  if (parent.kind() === "module") return { name, method: false };
  if (parent.kind() !== "block") return undefined;
  const cls = parent.parent();
  if (cls?.kind() !== "class_definition") return undefined;
  const clsParent = cls.parent()?.kind() === "decorated_definition" ? cls.parent()!.parent() : cls.parent();
  const clsName = cls.field("name")?.text();
  // a static or class method takes no instance first: not callable as obj.name(...) with self skipped
  const decorators =
    fn.parent()?.kind() === "decorated_definition"
      ? fn
          .parent()!
          .text()
          .slice(0, fn.range().start.index - fn.parent()!.range().start.index)
      : "";
  if (!clsName || clsParent?.kind() !== "module" || /@(staticmethod|classmethod)\b/.test(decorators)) return undefined;
  return { name: `${clsName}.${name}`, method: true };
}

/** A function as a helper whose parameters reach sinks inside it (undefined when none does). */
function summariseSinkHelper(fn: SgNode, name: string, method: boolean, roles: Roles, sinks: SgNode[]): Helper | undefined {
  const names = paramNames(fn);
  const helper: Helper = { name, sinkParams: new Map(), paramNames: names, method };
  const initial = new Map<string, Origin>();
  names.forEach((n, i) => {
    if (!(method && i === 0)) initial.set(n, { param: i });
  });
  const flow = new FunctionFlow(fn, roles, new Map(), initial, bySinkStatement(sinks), new Map()).run();
  for (const h of flow.hits) if ("param" in h.origin) addSinkParam(helper, h.origin.param, h.sink);
  return helper.sinkParams.size ? helper : undefined;
}

function bySinkStatement(list: SgNode[]): Map<number, SgNode[]> {
  const m = new Map<number, SgNode[]>();
  for (const s of list) {
    const k = key(statementOf(s));
    (m.get(k) ?? m.set(k, []).get(k)!).push(s);
  }
  return m;
}

/** Runs one check over the nodes its TaintSet's query found in a file (the query runs once for every check). */
export function analyseTaintNodes(
  root: SgRoot,
  nodes: readonly SgNode[],
  compiled: CompiledTaint,
  tags: string[][] = tagNodes(nodes, compiled.set),
  imports?: ImportedHelpersOf,
): { hits: TaintHit[] } {
  // Other modules' summaries first: they switch the per-file memo.
  const importedHelpers = imports?.(compiled);
  useFileMemo(root);
  const roles = rolesOf(nodes, tags, compiled);
  if (roles.sources.size === 0 || (roles.sinks.size === 0 && !importedHelpers)) return { hits: [] };

  // Group the roles by function; module-level code is its own unit.
  const fns = new Map<number, SgNode>();
  const sinksOf = new Map<number, SgNode[]>();
  const sourcesOf = new Set<number>();
  for (const s of roles.sinks.values()) {
    const f = enclosingFunction(s);
    const k = f ? key(f) : MODULE;
    if (f) fns.set(k, f);
    (sinksOf.get(k) ?? sinksOf.set(k, []).get(k)!).push(s);
  }
  for (const s of roles.sources.values()) {
    const f = enclosingFunction(s);
    const k = f ? key(f) : MODULE;
    if (f) fns.set(k, f);
    sourcesOf.add(k);
  }

  const bySink = bySinkStatement;

  // One level of module-local helpers: a top-level function or a method whose parameter reaches a sink, and a
  // function returning a source's value.
  const helpers = new Map<string, Helper>();
  const helperName = (f: SgNode) => {
    const name = f.field("name")?.text();
    if (!name) return undefined;
    const parent = f.parent()?.kind() === "decorated_definition" ? f.parent()!.parent() : f.parent();
    const owner = parent?.parent();
    if (parent?.kind() === "module") return { name, method: false };
    if (parent?.kind() === "block" && owner?.kind() === "class_definition") return { name: `self.${name}`, method: true };
    return undefined;
  };
  // Summaries cost a walk of the helper; most functions holding a sink are never called from this file, which
  // the text tells for free.
  const text = fileText(root);
  const calledHere = (id: { name: string; method: boolean }) => {
    const bare = id.name.replace(/^self\./, "");
    // a call, or a reference handed to a runner (background_tasks.add_task(helper, cmd)); the def is one of them
    const re = id.method
      ? new RegExp(`\\bself\\.${escapeRegex(bare)}(?![A-Za-z0-9_])`)
      : new RegExp(`(?<![A-Za-z0-9_.])${escapeRegex(bare)}(?![A-Za-z0-9_])`, "g");
    return id.method ? re.test(text) : (text.match(re)?.length ?? 0) >= 2;
  };
  for (const [k, f] of fns) {
    const id = helperName(f);
    if (!id || !calledHere(id)) continue;
    const sinks = sinksOf.get(k);
    const helper: Helper = (sinks && summariseSinkHelper(f, id.name, id.method, roles, sinks)) || {
      name: id.name,
      sinkParams: new Map(),
      paramNames: paramNames(f),
      method: id.method,
    };
    if (sourcesOf.has(k)) {
      const flow = new FunctionFlow(f, roles, new Map(), initialSources(f, roles), new Map(), new Map()).run();
      if (flow.returned && "source" in flow.returned) helper.returnsSource = flow.returned.source;
    }
    if (helper.sinkParams.size || helper.returnsSource) helpers.set(helper.name, helper);
  }

  // Further levels: a module-local function that hands its parameter to one of those helpers (a route's
  // `start_job(cmd)` calling `_run(cmd)`, which holds the sink) is a helper too, reported at its callers'
  // calls "through start_job()"; and so on, up to MAX_HELPER_LEVELS (a route calling a _logic() method that
  // calls a _load() method that fetches the URL).
  for (let level = 2; level <= MAX_HELPER_LEVELS; level++) {
    const sinkHelpers = [...helpers.values()].filter((h) => h.sinkParams.size);
    if (!sinkHelpers.length) break;
    const before = helpers.size;
    const nameRe = `^(self\\.)?(${sinkHelpers.map((h) => escapeRegex(h.name.replace(/^self\./, ""))).join("|")})$`;
    const callsIn = new Map<number, { f: SgNode; calls: Map<number, HelperCall[]> }>();
    for (const { call, target, deferred } of helperCalls(
      root,
      [{ kind: "identifier" }, { kind: "attribute", has: { field: "object", regex: "^self$" } }],
      nameRe,
    )) {
      const h = helpers.get(target.kind() === "identifier" ? target.text() : `self.${target.field("attribute")?.text()}`);
      const f = enclosingFunction(call);
      if (!h || !f || (target.kind() === "identifier" && h.method)) continue;
      const entry = callsIn.get(key(f)) ?? callsIn.set(key(f), { f, calls: new Map() }).get(key(f))!;
      const sk = key(statementOf(call));
      (entry.calls.get(sk) ?? entry.calls.set(sk, []).get(sk)!).push({ call, helper: h, deferred });
    }
    for (const { f, calls } of callsIn.values()) {
      const id = helperName(f);
      if (!id || helpers.has(id.name) || !calledHere(id)) continue;
      const names = paramNames(f);
      const initial = new Map<string, Origin>();
      names.forEach((n, i) => {
        if (!(id.method && i === 0)) initial.set(n, { param: i });
      });
      const flow = new FunctionFlow(f, roles, helpers, initial, new Map(), calls).run();
      const helper: Helper = { name: id.name, sinkParams: new Map(), paramNames: names, method: id.method };
      for (const h of flow.hits) if ("param" in h.origin) addSinkParam(helper, h.origin.param, h.via?.inner ?? h.sink);
      if (helper.sinkParams.size) helpers.set(helper.name, helper);
    }
    if (helpers.size === before) break;
  }

  // Calls of helpers, by the function and statement that hold them.
  const helperCallsOf = new Map<number, Map<number, HelperCall[]>>();
  const callersOfSourceHelpers = new Set<number>();
  /** The key of the function (or module code) holding a call, now a unit the flow must walk. */
  const callerOf = (call: SgNode) => {
    const f = enclosingFunction(call);
    const k = f ? key(f) : MODULE;
    if (f) fns.set(k, f);
    return k;
  };
  const addHelperCall = (call: SgNode, helper: Helper, deferred: DeferredArgs | undefined) => {
    const k = callerOf(call);
    const m = helperCallsOf.get(k) ?? helperCallsOf.set(k, new Map()).get(k)!;
    const sk = key(statementOf(call));
    (m.get(sk) ?? m.set(sk, []).get(sk)!).push({ call, helper, deferred });
  };
  if (helpers.size) {
    const names = [...helpers.values()].map((h) => h.name.replace(/^self\./, ""));
    const nameRe = `^(self\\.)?(${names.map(escapeRegex).join("|")})$`;
    for (const { call, target, deferred } of helperCalls(
      root,
      [{ kind: "identifier" }, { kind: "attribute", has: { field: "object", regex: "^self$" } }],
      nameRe,
    )) {
      const h = helpers.get(target.kind() === "identifier" ? target.text() : `self.${target.field("attribute")?.text()}`);
      if (
        !h ||
        (target.kind() === "identifier" && h.method) ||
        (target.kind() === "attribute" && target.field("object")?.text() !== "self")
      )
        continue;
      if (h.returnsSource) callersOfSourceHelpers.add(callerOf(call));
      if (h.sinkParams.size) addHelperCall(call, h, deferred);
    }
  }

  // Calls of other modules' helpers: `launch_utils.run(cmd)`, `api.register_model(path)`, and the same handed to
  // a runner (`add_task(launch_utils.run, cmd)`).
  if (importedHelpers)
    for (const { call, target, deferred } of helperCalls(
      root,
      [{ kind: "identifier" }, { kind: "attribute" }],
      importedHelpers.calleeRegex,
    )) {
      const h = importedHelpers.helperOf(target.text());
      if (h) addHelperCall(call, h, deferred);
    }

  const hits: TaintHit[] = [];
  const seen = new Set<string>();
  const analyse = (k: number, unit: SgNode, initial: Map<string, Origin>) => {
    const hasSource = sourcesOf.has(k) || callersOfSourceHelpers.has(k);
    const hasSink = sinksOf.has(k) || helperCallsOf.has(k);
    if (!hasSource || !hasSink) return;
    const flow = new FunctionFlow(unit, roles, helpers, initial, bySink(sinksOf.get(k) ?? []), helperCallsOf.get(k) ?? new Map()).run();
    for (const h of flow.hits) {
      if (!("source" in h.origin)) continue;
      const kk = `${key(h.sink)}:${h.via ? key(h.via.inner) : ""}`;
      if (seen.has(kk)) continue;
      seen.add(kk);
      const imported = h.via?.helper.imported ? { viaImported: true, sinkTags: h.via.helper.sinkTags?.get(key(h.via.inner)) ?? [] } : {};
      hits.push({ node: h.sink, sink: h.via?.inner ?? h.sink, source: h.origin.source, via: h.via?.helper.name, ...imported });
    }
  };
  for (const [k, f] of fns) analyse(k, f, initialSources(f, roles));
  analyse(MODULE, root.root(), new Map());
  // A helper's sink that a source reaches inside the helper itself is reported there; its callers add nothing.
  const direct = new Set(hits.filter((h) => !h.via).map((h) => key(h.sink)));
  // (Node ids are per tree: another module's sink is never this file's.)
  for (let i = hits.length - 1; i >= 0; i--) if (hits[i]!.via && !hits[i]!.viaImported && direct.has(key(hits[i]!.sink))) hits.splice(i, 1);
  hits.sort((a, b) => a.node.range().start.index - b.node.range().start.index);
  return {
    hits: hits.filter((h) => (!compiled.throughHelpersOnly || h.via) && !(compiled.constantsAreSafe && builtFromConstants(h.source))),
  };
}

/** Parameters that are sources (e.g. a handler's data parameter) are tainted from the function's first line. */
function initialSources(fn: SgNode, roles: Roles): Map<string, Origin> {
  const initial = new Map<string, Origin>();
  const fk = key(fn);
  for (const src of roles.sources.values()) {
    const owner = enclosingFunction(src);
    // a source in a nested function's parameters belongs to that function
    if (owner !== null && key(owner) !== fk) continue;
    const name = sourceParam(fn, src);
    if (name) initial.set(name, { source: src });
  }
  return initial;
}

/** Runners that call a function later with the arguments they are given: BackgroundTasks, executors, threads. */
const DEFERRED_RUNNERS = "(^|\\.)(add_task|submit|run_in_executor|to_thread|Thread|Process|start_soon)$";

interface DeferredArgs {
  target: SgNode | undefined;
  /** The arguments the runner passes on, in the helper's positional order, and by name. */
  positional: SgNode[];
  keywords: [string, SgNode][];
}

interface HelperCall {
  call: SgNode;
  helper: Helper;
  /** Set when the helper is handed to a runner rather than called here. */
  deferred?: DeferredArgs;
}

function deferredArgs(call: SgNode): DeferredArgs {
  const fnText = call.field("function")?.text() ?? "";
  const args = (call.field("arguments")?.children() ?? []).filter((a) => a.isNamed() && a.kind() !== "comment");
  const positional = args.filter((a) => a.kind() !== "keyword_argument");
  const keywordsOf = (list: SgNode[]) =>
    list.filter((a) => a.kind() === "keyword_argument").map((a) => [a.field("name")?.text() ?? "", a.field("value")!] as [string, SgNode]);
  if (/(^|\.)(Thread|Process)$/.test(fnText)) {
    // Thread(target=f, args=(a, b), kwargs={"k": v})
    const kw = new Map(keywordsOf(args));
    const tuple = kw.get("args");
    const dict = kw.get("kwargs");
    return {
      target: kw.get("target") ?? positional[1],
      positional: (tuple?.children() ?? []).filter((a) => a.isNamed() && a.kind() !== "comment"),
      keywords: (dict?.kind() === "dictionary" ? dict.children().filter((p) => p.kind() === "pair") : []).map(
        (p) => [(p.field("key")?.text() ?? "").replace(/^["']|["']$/g, ""), p.field("value")!] as [string, SgNode],
      ),
    };
  }
  // loop.run_in_executor(executor, f, *args); add_task / submit / to_thread / start_soon(f, *args, **kwargs)
  const skip = /run_in_executor$/.test(fnText) ? 1 : 0;
  return { target: positional[skip], positional: positional.slice(skip + 1), keywords: keywordsOf(args).filter(([n]) => n !== "name") };
}

/**
 * Calls of helpers: a callee of one of `kinds` whose text matches `nameRe`, or such a function handed to a runner
 * that calls it later with the arguments given here; `target` is the helper's name as written.
 */
function helperCalls(root: SgRoot, kinds: Rule[], nameRe: string): { call: SgNode; target: SgNode; deferred?: DeferredArgs }[] {
  const calls = root.root().findAll({
    rule: {
      kind: "call",
      any: [
        { has: { field: "function", any: kinds, regex: nameRe } },
        {
          all: [
            { has: { field: "function", regex: DEFERRED_RUNNERS } },
            {
              has: {
                field: "arguments",
                has: {
                  any: [
                    { kind: "identifier", regex: nameRe },
                    { kind: "attribute", regex: nameRe },
                    { kind: "keyword_argument", has: { field: "value", regex: nameRe } },
                  ],
                },
              },
            },
          ],
        },
      ],
    } as NapiConfig["rule"],
  });
  const out: { call: SgNode; target: SgNode; deferred?: DeferredArgs }[] = [];
  for (const call of calls) {
    const fn = call.field("function")!;
    const deferred = new RegExp(DEFERRED_RUNNERS).test(fn.text()) ? deferredArgs(call) : undefined;
    const target = deferred ? deferred.target : fn;
    if (target) out.push({ call, target, deferred });
  }
  return out;
}

/** Descendants of `n` (itself included) that satisfy `pred`, in source order, walked in JavaScript. */
function descendants(n: SgNode, pred: (n: SgNode) => boolean): SgNode[] {
  const out: SgNode[] = [];
  const visit = (x: SgNode) => {
    if (pred(x)) out.push(x);
    for (const c of x.children()) if (c.isNamed() && c.kind() !== FUNCTION && c.kind() !== "lambda") visit(c);
  };
  visit(n);
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
