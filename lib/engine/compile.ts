/**
 * Compiling a rulebook once: each check's matcher (ast-grep rule, regex, model-file or advisory matcher), its
 * globs and prefilter needles shared across checks, and the data-flow checks' one query. Pure.
 */
import { parse, registerDynamicLanguage, type NapiConfig } from "@ast-grep/napi";
import python from "@ast-grep/lang-python";
import yaml from "@ast-grep/lang-yaml";
import picomatch from "picomatch";
import type { Check, Needle } from "./rulebook.ts";
import { needleRegExp, RulebookError } from "./rulebook.ts";
import { compileAdvisoryCheck, type CompiledAdvisories } from "./advisories.ts";
import { compileArtifactMatch, isArtifactMatch, type CompiledArtifact } from "./artifacts/checks.ts";
import { mergeMember, sharedUtils, type MergeMember } from "./merge.ts";
import { compileTaint, compileTaintSet, PARSE_ERROR_RULE, type CompiledTaint, type TaintSpec } from "./taint.ts";
import { NeedleSet } from "./needles.ts";
import { SEVERITY_RANK } from "./types.ts";

let registered = false;
export function ensureLanguages() {
  if (registered) return;
  registerDynamicLanguage({ python, yaml } as never);
  registered = true;
}

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
  joinContinuations: boolean;
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
export type CompiledPrefilter = { all: number[][]; any: number[] };

export interface CompiledRulebook {
  checks: CompiledCheck[];
  globSets: ((path: string) => boolean)[];
  /** Distinct prefilter needles of all checks (checks share many: "bentoml", handler names). */
  needles: NeedleSet;
  /** True when at least one check could look at this path. */
  isTarget: (path: string) => boolean;
}

const EMPTY_DOC: Record<AstLanguage, string> = { python: "x = 1\n", yaml: "a: 1\n" };

/** Suffixes of files rendered into another before use: envsubst (.tpl), Jinja (.j2), plain templates. */
const TEMPLATE_SUFFIX = /\.(tpl|tmpl|template|j2|jinja2?)$/i;

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
  const shared = sharedUtils(
    checks.map((c) => ((c.match.language === "python" || c.match.language === "yaml") && !c.match.taint ? c.match.utils : undefined)),
  );
  const compiled = checks.map((check, index): CompiledCheck => {
    const key = JSON.stringify(check.files);
    let globSet = globKeys.get(key);
    if (globSet === undefined) {
      // File names compare without case (a lower-case `dockerfile` is a Dockerfile), and a template keeps the format
      // of the file it renders to (k8s/rayservice.yaml.tpl, values.yaml.j2).
      const matches = picomatch(check.files, { dot: true, nocase: true });
      globSet = globSets.push((p) => matches(p) || (TEMPLATE_SUFFIX.test(p) && matches(p.replace(TEMPLATE_SUFFIX, "")))) - 1;
      globKeys.set(key, globSet);
    }
    const m = check.match;
    // A misspelt `captured` would leave every match outside the condition, silently.
    if (check.when?.captured && !bindsVariable(check, check.when.captured))
      throw new RulebookError(check.source, `check ${check.id}: when.captured is ${check.when.captured}, which its rule never binds`);
    if (check.placeholdersCount && !bindsVariable(check, check.placeholdersCount.captured))
      throw new RulebookError(
        check.source,
        `check ${check.id}: placeholdersCount.captured is ${check.placeholdersCount.captured}, which its rule never binds`,
      );
    let matcher: CompiledCheck["matcher"];
    if (isArtifactMatch(m)) matcher = compileArtifactMatch(m);
    else if (m.language === "advisories") matcher = compileAdvisoryCheck(check);
    else if (m.language === "regex") {
      // A group named `at` marks where the finding starts (a pattern that first skips a line's comment-free
      // prefix from ^ stays linear, where a lookbehind would be tried at every position): "d" gives its indices.
      const flags = `${m.ignoreCase ? "iu" : "u"}${m.pattern.includes("(?<at>") ? "d" : ""}`;
      matcher = {
        kind: "regex",
        pattern: new RegExp(m.pattern, flags),
        unless: m.unless ? new RegExp(m.unless, flags) : undefined,
        redact: m.redact ?? [],
        joinContinuations: m.joinContinuations,
      };
    } else {
      // A data-flow check is tried alone here (an error names it); it runs as part of the rulebook's TaintSet below.
      const taint = m.taint ? compileTaint(m.taint, m.utils) : undefined;
      // A Python pattern check also returns the file's parse errors (tagged, never findings): the scan learns which
      // files did not parse cleanly from the parses it makes anyway.
      const config: NapiConfig = taint
        ? taint.set.config
        : {
            rule: (m.language === "python"
              ? { any: [m.rule, { all: [PARSE_ERROR_RULE, { pattern: `$${SYNTAX_ERROR_TAG}` }] }] }
              : m.rule) as NapiConfig["rule"],
          };
      if (!taint && m.constraints) config.constraints = m.constraints as NapiConfig["constraints"];
      if (!taint && m.utils) config.utils = m.utils as NapiConfig["utils"];
      try {
        if (!opts.trusted) parse(m.language, EMPTY_DOC[m.language]).root().findAll(config);
      } catch (e) {
        throw new RulebookError(check.source, `check ${check.id}: invalid ast-grep rule: ${(e as Error).message.split("\n")[0]}`);
      }
      // Constraints apply to a whole query's match, so a check with them keeps a query of its own.
      const merge = taint || m.constraints ? undefined : mergeMember(index, m.rule as Record<string, unknown>, m.utils, shared);
      matcher = {
        kind: "ast",
        language: m.language,
        config,
        where: Object.entries(m.where ?? {}),
        redact: m.redact ?? [],
        report: m.report,
        taint,
        merge,
      };
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
  const flow = compiled.filter(
    (c): c is CompiledCheck & { matcher: CompiledAst & { taint: CompiledTaint } } => c.matcher.kind === "ast" && !!c.matcher.taint,
  );
  const set = compileTaintSet(
    flow.map((c) => ({
      spec: (c.check.match as { taint: TaintSpec }).taint,
      utils: (c.check.match as { utils?: Record<string, unknown> }).utils,
      rank: SEVERITY_RANK[c.check.severity],
    })),
  );
  flow.forEach((c, i) => (c.matcher.taint = set[i]!));
  return { checks: compiled, globSets, needles: new NeedleSet(needles), isTarget: (p) => globSets.some((m) => m(p)) };
}

/** Whether a check's rule (with its utils, shared ones merged) or regex can bind this metavariable or named group. */
function bindsVariable(check: Check, name: string): boolean {
  const m = check.match;
  if (m.language === "regex") return m.pattern.includes(`(?<${name}>`);
  return new RegExp(`\\$(?:\\$\\$)?${name}(?![A-Z0-9_])`).test(JSON.stringify(m));
}

/** Tags the parse errors a Python pattern check's query returns beside its matches. */
export const SYNTAX_ERROR_TAG = "POSTURE_SYNTAX_ERROR";
