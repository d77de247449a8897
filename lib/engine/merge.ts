/**
 * Pattern checks of one file in one query. ast-grep's JavaScript API compiles a rule per call and parses a file
 * per call, and parsing costs more than most checks' matching: a file that ten pattern checks select was parsed
 * ten times. The checks a group of files shares become one rule, each check a member that binds its own tag,
 * so findInFiles parses each file once (on its native threads) and reports every check's matches at once.
 *
 * Two checks' rules must not see each other's metavariables (`$X` of one check would have to equal `$X` of the
 * next) or utils (two frameworks' `request-source`): each check's metavariables and util names get its prefix.
 */
import type { NapiConfig, SgNode } from "@ast-grep/napi";
import { potentialKinds } from "./taint.ts";

type Rule = Record<string, unknown>;

export interface MergeMember {
  /** Metavariable prefix: the check's `$X` is `$<prefix>X` in the merged query. */
  prefix: string;
  /** Bound to every node the check's rule matches. */
  tag: string;
  rule: Rule;
  /** The node kinds the rule can match, when its structure says. */
  kinds?: string[];
  utils: Record<string, unknown>;
}

/** Metavariable names start with a capital letter; `$_…` names capture nothing and are left alone. */
const METAVARIABLE = /(\$\$\$|\$)([A-Z][A-Z0-9_]*)/g;

function renamed(v: unknown, prefix: string, utilNames: ReadonlyMap<string, string>, key?: string): unknown {
  if (typeof v === "string") {
    if (key === "pattern" || key === "context") return v.replace(METAVARIABLE, `$1${prefix}$2`);
    if (key === "matches") return utilNames.get(v) ?? v;
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => renamed(x, prefix, utilNames, key === "pattern" ? undefined : key));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renamed(x, prefix, utilNames, k)]));
  return v;
}

/**
 * The utils that keep their name in merged queries: defined the same way by every check that has them, and
 * binding no metavariable, themselves or through the utils they use (most are "this file imports Ray" or "a
 * deployment decorator"). The others are renamed per check. Compiling a query costs more the more utils it holds.
 */
export function sharedUtils(utilsOfChecks: readonly (Record<string, unknown> | undefined)[]): Set<string> {
  const defs = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const utils of utilsOfChecks)
    for (const [name, def] of Object.entries(utils ?? {})) {
      const json = JSON.stringify(def);
      if (defs.has(name) && defs.get(name) !== json) conflicting.add(name);
      defs.set(name, json);
    }
  const verdict = new Map<string, boolean>();
  const shared = (name: string, seen: Set<string>): boolean => {
    const known = verdict.get(name);
    if (known !== undefined) return known;
    const json = defs.get(name);
    if (json === undefined || conflicting.has(name) || seen.has(name)) return false;
    seen.add(name);
    // Conservative: a `$` followed by a capital anywhere in the definition counts as a metavariable.
    const ok =
      !/\$[A-Z]/.test(json) && [...json.matchAll(/"matches":"((?:[^"\\]|\\.)*)"/g)].every((m) => shared(JSON.parse(`"${m[1]}"`), seen));
    verdict.set(name, ok);
    return ok;
  };
  return new Set([...defs.keys()].filter((name) => shared(name, new Set())));
}

/** A check's rule and utils as a member of merged queries; `index` makes its names unique in the rulebook. */
export function mergeMember(
  index: number,
  rule: Rule,
  utils: Record<string, unknown> | undefined,
  shared: ReadonlySet<string> = new Set(),
): MergeMember {
  const prefix = `C${index}_`;
  const utilNames = new Map(Object.keys(utils ?? {}).map((name) => [name, shared.has(name) ? name : `${name}--c${index}`]));
  // ast-grep skips a node whose kind a rule cannot match only when it sees the rule's kinds; inside a merged
  // query's `any` it does not, so each member states them first and fails on one comparison.
  const kinds = potentialKinds(rule, utils ?? {}, new Set());
  return {
    prefix,
    tag: `POSTURE_CHECK_${index}`,
    kinds: kinds && [...kinds].sort(),
    rule: renamed(rule, prefix, utilNames) as Rule,
    utils: Object.fromEntries(Object.entries(utils ?? {}).map(([name, def]) => [utilNames.get(name)!, renamed(def, prefix, utilNames)])),
  };
}

/**
 * The query of several members. A node is handed back when some member (or `extra`, e.g. the parse-error rule)
 * matches it; each member that matches binds its tag (a member is optional: `any` of it and a pattern that
 * matches anything), so one node can be a match of several checks.
 */
export function mergedConfig(members: readonly MergeMember[], extra: readonly Rule[] = []): NapiConfig {
  const utils = Object.assign({}, ...members.map((m) => m.utils)) as Record<string, unknown>;
  // Each member's rule is a util, compiled once and referred to twice (the filter and its tag).
  for (const m of members) utils[m.tag] = m.rule;
  const rule = {
    all: [
      {
        any: [
          ...members.map((m) => (m.kinds ? { all: [{ any: m.kinds.map((kind) => ({ kind })) }, { matches: m.tag }] } : { matches: m.tag })),
          ...extra,
        ],
      },
      ...members.map((m) => ({ any: [{ all: [{ matches: m.tag }, { pattern: `$${m.tag}` }] }, { pattern: "$_" }] })),
    ],
  };
  return { rule, utils } as NapiConfig;
}

/** The members whose rule matched this node of a merged query. */
export function matchedMembers<T extends { merge: MergeMember }>(node: SgNode, members: readonly T[]): T[] {
  return members.filter((m) => node.getMatch(m.merge.tag));
}

/**
 * Fewer, larger groups. Compiling a query runs on the main thread (findInFiles compiles its rule before it hands
 * the files to its threads), so a hundred small groups cost more there than running a few extra checks on some
 * files costs on the native threads: the smallest group is merged into the one whose check set grows least, until
 * `max` are left. A file keeps only its own checks' matches (the caller filters).
 */
export function coarsen<T>(
  groups: readonly { members: readonly T[]; paths: string[] }[],
  max: number,
): { members: T[]; paths: string[] }[] {
  const out = groups.map((g) => ({ members: new Set(g.members), paths: [...g.paths] }));
  while (out.length > max) {
    out.sort((a, b) => a.paths.length - b.paths.length || a.members.size - b.members.size);
    const small = out.shift()!;
    let best = 0;
    let bestGrowth = Infinity;
    out.forEach((g, i) => {
      let growth = 0;
      for (const m of small.members) if (!g.members.has(m)) growth += g.paths.length;
      for (const m of g.members) if (!small.members.has(m)) growth += small.paths.length;
      if (growth < bestGrowth) [best, bestGrowth] = [i, growth];
    });
    const into = out[best]!;
    for (const m of small.members) into.members.add(m);
    into.paths.push(...small.paths);
  }
  return out.map((g) => ({ members: [...g.members], paths: g.paths }));
}
