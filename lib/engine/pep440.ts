/**
 * PEP 440 specifier sets as intervals of the version order, for the one question a single version cannot answer:
 * do two sets admit a common version (a declaration's `torch>=1.9` and an advisory's `<2.6.0`)? Single versions
 * are tested with @renovatebot/pep440's `satisfies`, which follows PEP 440 to the letter (exclusive comparisons,
 * local versions, pre-releases); this module reuses its parser and ordering and adds only the interval arithmetic.
 *
 * What an interval cannot say is approximated on the safe side: `!=` removes single versions (or one series) and
 * is ignored, so a set is taken to admit a version it may exclude; `<V` is taken to reach up to V, where PEP 440
 * leaves V's own pre-releases out. The version order is dense in practice (between 2.0 and 2.0.1 lies 2.0.0.1), so
 * an open interval between two different versions is never empty.
 */
import { parse as parseSpecifier } from "@renovatebot/pep440/lib/specifier.js";
import { explain } from "@renovatebot/pep440/lib/version.js";
import { compare, satisfies, valid } from "@renovatebot/pep440";

export interface Bound {
  v: string;
  inclusive: boolean;
}

/** A run of the version order; a missing end is unbounded. */
export interface Interval {
  lo?: Bound;
  hi?: Bound;
}

export const ANY_VERSION: Interval = {};

/** The first version of the series after `release[0..index]`'s: 2.1 at index 1 → 2.2.dev0 (below 2.2's pre-releases). */
function nextSeries(epoch: number, release: readonly number[], index: number): string {
  const out = release.slice(0, index + 1);
  out[index] = (out[index] ?? 0) + 1;
  return `${epoch ? `${epoch}!` : ""}${out.join(".")}.dev0`;
}

function seriesStart(epoch: number, release: readonly number[]): string {
  return `${epoch ? `${epoch}!` : ""}${release.join(".")}.dev0`;
}

function raiseLow(a: Bound | undefined, b: Bound | undefined): Bound | undefined {
  if (!a || !b) return a ?? b;
  const c = compare(a.v, b.v);
  return c > 0 ? a : c < 0 ? b : { v: a.v, inclusive: a.inclusive && b.inclusive };
}

function lowerHigh(a: Bound | undefined, b: Bound | undefined): Bound | undefined {
  if (!a || !b) return a ?? b;
  const c = compare(a.v, b.v);
  return c < 0 ? a : c > 0 ? b : { v: a.v, inclusive: a.inclusive && b.inclusive };
}

export function intersect(a: Interval, b: Interval): Interval | undefined {
  const out: Interval = { lo: raiseLow(a.lo, b.lo), hi: lowerHigh(a.hi, b.hi) };
  if (out.lo && out.hi) {
    const c = compare(out.lo.v, out.hi.v);
    if (c > 0 || (c === 0 && !(out.lo.inclusive && out.hi.inclusive))) return undefined;
  }
  return out;
}

/**
 * One specifier set (clauses joined by commas, every one must hold) as an interval; undefined when it admits
 * nothing, null when it cannot be read (a legacy `===` string, a typo). "" admits every version.
 */
export function specInterval(spec: string): Interval | undefined | null {
  const clauses = parseSpecifier(spec);
  if (!clauses) return null;
  let out: Interval | undefined = {};
  for (const c of clauses) {
    if (!c.version) return null; // ===<legacy string>: not in the version order
    const e = explain(c.version)!;
    let clause: Interval;
    switch (c.operator) {
      case ">=":
      case ">":
        clause = { lo: { v: c.version, inclusive: c.operator === ">=" } };
        break;
      case "<=":
      case "<":
        clause = { hi: { v: c.version, inclusive: c.operator === "<=" } };
        break;
      case "~=":
        // ~=2.2.1 is >=2.2.1, ==2.2.*; the parser refuses ~= with a one-part release.
        clause = {
          lo: { v: c.version, inclusive: true },
          hi: { v: nextSeries(e.epoch, e.release, e.release.length - 2), inclusive: false },
        };
        break;
      case "==":
      case "===":
        clause = c.prefix
          ? {
              lo: { v: seriesStart(e.epoch, e.release), inclusive: true },
              hi: { v: nextSeries(e.epoch, e.release, e.release.length - 1), inclusive: false },
            }
          : { lo: { v: c.version, inclusive: true }, hi: { v: c.version, inclusive: true } };
        break;
      default:
        continue; // != (see the module comment)
    }
    out = out && intersect(out, clause);
  }
  return out;
}

/** The version a specifier set pins with `==V` / `===V` (no wildcard), if it does. */
export function pinnedVersion(spec: string): string | undefined {
  const clauses = parseSpecifier(spec);
  const pin = clauses?.find((c) => (c.operator === "==" || c.operator === "===") && !c.prefix && c.version);
  return pin?.version;
}

/**
 * Whether one version is in a specifier set, pre-releases included (an advisory's range covers them too). Clause
 * by clause: the library treats `>V` as never admitting V's own release, which PEP 440 gets right only when V is
 * not a post-release (`>1.7.post2` admits 1.7.0.post3).
 */
export function versionIn(version: string, spec: string): boolean {
  if (valid(version) === null) return false;
  const clauses = parseSpecifier(spec);
  if (!clauses) return false;
  return clauses.every((c) => {
    const v = c.version && c.operator === ">" ? explain(c.version) : null;
    if (v?.is_postrelease) return compare(explain(version)!.public, v.public) > 0;
    return satisfies(version, `${c.operator}${c.version ?? (c as { legacy?: string }).legacy ?? ""}${c.prefix ?? ""}`, {
      prereleases: true,
    });
  });
}

/** An interval as a specifier set a person reads: ">=1.9,<2.6.0", "==2.1.0", "<=0.8.1", or "any version". */
export function describeInterval(i: Interval): string {
  const strip = (v: string) => v.replace(/\.dev0$/, "");
  if (i.lo && i.hi && i.lo.inclusive && i.hi.inclusive && compare(i.lo.v, i.hi.v) === 0) return `==${i.lo.v}`;
  const parts: string[] = [];
  if (i.lo) parts.push(`${i.lo.inclusive ? ">=" : ">"}${strip(i.lo.v)}`);
  if (i.hi) parts.push(`${i.hi.inclusive ? "<=" : "<"}${strip(i.hi.v)}`);
  return parts.length ? parts.join(",") : "any version";
}

/** PEP 440 order of two valid versions (negative, zero, positive). */
export function compareVersions(a: string, b: string): number {
  return compare(a, b);
}
