/**
 * Known vulnerabilities in a repository's declared dependencies: the rulebook's advisory set (advisory-set.ts)
 * against the declarations dependencies.ts reads, compared in memory once per scan (the manifests are read once,
 * for this and for `when` conditions alike).
 *
 * - A declaration of one version (`==2.1.0`, `===2.1.0`, a lock file's entry) is reported by a `versions: pinned`
 *   check when an advisory's range holds that version (PEP 440, pre-releases included), at the advisory's
 *   severity.
 * - Any other declaration (a range, or no bound at all) is reported by a `versions: range` check when it admits
 *   a version an advisory affects (pep440.ts: the two sets share a version), at the check's lower severity, and
 *   the message names the affected versions it admits. The check's `minSeverity` keeps this to the advisories
 *   that matter enough to report on a range (critical ones, in the bundled policy).
 * - Which declarations count is dependencies.ts's rule for a directory: where a lock file names the package, the
 *   lock decides and the ranges beside it are not reported; a constraints file narrows the requirements beside it
 *   (a requirement that a constraint pins is the constraint's finding).
 * - Each (package, advisory, manifest) is reported once, at the line of the declaration; a pinned finding wins
 *   over a range one. The fingerprint is made of check, manifest path, package and advisory id, so bumping the
 *   version within the affected range or moving the line keeps the finding.
 */
import type { Advisory } from "./advisory-set.ts";
import type { Check } from "./rulebook.ts";
import { decidingDeclarations, joinSpecs, type Declaration, type DependencyIndex } from "./dependencies.ts";
import type { CompiledCheck } from "./compile.ts";
import { finalizeFile, splitLines, type FileScan } from "./finalize.ts";
import type { RawMatch } from "./match.ts";
import {
  ANY_VERSION,
  compareVersions,
  describeInterval,
  intersect,
  pinnedVersion,
  specInterval,
  versionIn,
  type Interval,
} from "./pep440.ts";
import { describeUse, type Reach } from "./reachability.ts";
import { SEVERITY_RANK, type AdvisoryNotReached, type CodeContext, type Severity } from "./types.ts";

interface CompiledAdvisory {
  advisory: Advisory;
  ranges: Interval[];
}

export interface CompiledAdvisories {
  kind: "advisories";
  versions: "pinned" | "range";
  minRank: number;
  /** By PEP 503 name. */
  byPackage: ReadonlyMap<string, readonly CompiledAdvisory[]>;
}

export type AdvisoryCheck = CompiledCheck & { matcher: CompiledAdvisories };

const normalized = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

// A rulebook's advisory checks share one set: index it once.
const indexed = new WeakMap<readonly Advisory[], Map<string, CompiledAdvisory[]>>();

function indexAdvisories(set: readonly Advisory[]): Map<string, CompiledAdvisory[]> {
  let byPackage = indexed.get(set);
  if (byPackage) return byPackage;
  byPackage = new Map();
  for (const advisory of set) {
    const ranges = advisory.affected.map((s) => specInterval(s)).filter((r): r is Interval => !!r);
    const name = normalized(advisory.package);
    (byPackage.get(name) ?? byPackage.set(name, []).get(name)!).push({ advisory, ranges });
  }
  indexed.set(set, byPackage);
  return byPackage;
}

export function compileAdvisoryCheck(check: Check): CompiledAdvisories {
  const m = check.match as { versions: "pinned" | "range"; minSeverity?: keyof typeof SEVERITY_RANK };
  return {
    kind: "advisories",
    versions: m.versions,
    minRank: m.minSeverity ? SEVERITY_RANK[m.minSeverity] : 0,
    byPackage: indexAdvisories(check.advisories ?? []),
  };
}

export interface AdvisoryScope {
  /** The code context of a manifest (lib/engine/context.ts, or the repository's .posture.yaml). */
  contextOf: (rel: string, text: string) => CodeContext;
  /** Whether the repository turned this check off for this file. */
  disabled: (checkId: string, rel: string) => boolean;
  /** Severities whose in-code suppressions are not honoured (ScanOptions.refuseSuppressions). */
  refuse?: ReadonlySet<Severity>;
  /** Whether the code a manifest installs for reaches the advisory's vulnerable part (reachability.ts). */
  reach?: (advisory: Advisory, manifest: string) => Reach;
}

interface Hit {
  check: AdvisoryCheck;
  declaration: Declaration;
  advisory: Advisory;
  vars: Record<string, string>;
}

// Specifier sets repeat across a repository's manifests (and a hostile one repeats one): read each once.
const pinMemo = new Map<string, string | undefined>();
function pinOf(spec: string): string | undefined {
  if (!pinMemo.has(spec)) {
    if (pinMemo.size > 10_000) pinMemo.clear();
    pinMemo.set(spec, pinnedVersion(spec));
  }
  return pinMemo.get(spec);
}

/** The version a declaration itself names, if it names one: a lock entry, `==2.1.0`, Poetry's bare `2.1.0`. */
function ownPin(d: Declaration): string | undefined {
  return d.specs.length === 1 && d.specs[0] ? pinOf(d.specs[0]) : undefined;
}

function fixedText(a: Advisory): string {
  return a.fixed.length ? `fixed in ${a.fixed.join(", ")}` : "no release fixes it yet";
}

function declaredText(d: Declaration): string {
  return d.specs.every((s) => s === "") ? `${d.text}, with no version bound,` : d.text;
}

// A version tested against a range once per scan: a lock file or a long requirements file repeats them.
const affectsMemo = new Map<string, boolean>();
function affects(version: string, range: string): boolean {
  const key = `${version}\0${range}`;
  let hit = affectsMemo.get(key);
  if (hit === undefined) {
    if (affectsMemo.size > 10_000) affectsMemo.clear();
    affectsMemo.set(key, (hit = versionIn(version, range)));
  }
  return hit;
}

/** What one directory's declarations of one package are reported for. */
function directoryHits(
  here: readonly Declaration[],
  advisories: (check: AdvisoryCheck) => readonly CompiledAdvisory[],
  checks: readonly AdvisoryCheck[],
): Hit[] {
  const { requirements, constraints } = decidingDeclarations(here);
  const considered = [...requirements, ...constraints];
  const hits: Hit[] = [];
  // A manifest's first declaration to hit an advisory is the one reported; later ones need not be looked at.
  const hit = new Set<string>();
  for (const d of considered) {
    const pin = ownPin(d);
    // A requirement is installed within the constraints beside it.
    const alternatives =
      !d.constraint && constraints.length
        ? d.specs.flatMap((s) => constraints.flatMap((c) => c.specs.map((cs) => joinSpecs(s, cs))))
        : d.specs;
    for (const check of checks) {
      for (const { advisory, ranges } of advisories(check)) {
        if (SEVERITY_RANK[advisory.severity] < check.matcher.minRank) continue;
        const key = `${check.check.id}\0${d.file}\0${advisory.id}`;
        if (hit.has(key)) continue;
        const common = () => ({
          ADVISORY: [advisory.id, ...advisory.aliases.slice(0, 1)].join(" / "),
          ADVISORY_SEVERITY: advisory.severity,
          PACKAGE: advisory.package,
          SUMMARY: advisory.summary,
          FIXED: fixedText(advisory),
          URL: advisory.url,
        });
        if (check.matcher.versions === "pinned") {
          if (pin !== undefined && advisory.affected.some((r) => affects(pin, r))) {
            hit.add(key);
            hits.push({ check, declaration: d, advisory, vars: { ...common(), VERSION: pin } });
          }
          continue;
        }
        if (pin !== undefined || d.locked || (d.constraint && requirements.length)) continue;
        // An image build resolves an open-ended install to the newest release: the range is not what it installs
        // (the missing pin is unpinned-pip-install's finding; a base image's own version is its FROM line's).
        if (d.buildStep && alternatives.every((alt) => !alt || !specInterval(alt)?.hi)) continue;
        // Every affected run of versions the declaration admits, for the message.
        const admitted: string[] = [];
        for (const alt of alternatives) {
          // A constraint that pins the requirement decides; that pin is the constraint's own finding.
          if (alt && pinOf(alt) !== undefined) continue;
          const own = alt === null || alt === "" ? ANY_VERSION : specInterval(alt);
          const interval = own === null ? ANY_VERSION : own;
          if (!interval) continue;
          for (const r of ranges) {
            const shared = intersect(interval, r);
            const text = shared && describeInterval(shared);
            if (text && !admitted.includes(text)) admitted.push(text);
          }
        }
        if (admitted.length) {
          hit.add(key);
          hits.push({ check, declaration: d, advisory, vars: { ...common(), DECLARED: declaredText(d), AFFECTED: admitted.join(" or ") } });
        }
      }
    }
  }
  return hits;
}

/**
 * One finding per too-wide declaration, not one per advisory it admits: `torch>=2.0` is one thing to change.
 * The advisory the message details is the most severe with the highest fixed release (the upgrade that clears
 * it most likely clears the others); the others are named after it.
 */
function groupRanges(hits: readonly Hit[]): Hit[] {
  const out: Hit[] = [];
  const ranges = new Map<string, Hit[]>();
  for (const h of hits) {
    if (h.check.matcher.versions === "pinned") out.push(h);
    else {
      const key = `${h.check.check.id}\0${h.declaration.line ?? 1}\0${h.declaration.name}`;
      (ranges.get(key) ?? ranges.set(key, []).get(key)!).push(h);
    }
  }
  const highestFixed = (a: Advisory) => [...a.fixed].sort(compareVersions).at(-1);
  for (const group of ranges.values()) {
    const sorted = [...group].sort(
      (a, b) =>
        SEVERITY_RANK[b.advisory.severity] - SEVERITY_RANK[a.advisory.severity] ||
        compareVersions(highestFixed(b.advisory) ?? "0", highestFixed(a.advisory) ?? "0") ||
        a.advisory.id.localeCompare(b.advisory.id),
    );
    const [primary, ...others] = sorted as [Hit, ...Hit[]];
    const more = others.length
      ? `; it also admits versions affected by ${others.map((o) => `${o.advisory.id} (${fixedText(o.advisory)})`).join(", ")}`
      : "";
    out.push({ ...primary, vars: { ...primary.vars, MORE: more } });
  }
  return out;
}

/** Where on its line a declaration is: from the package's name to the end of what was written. */
function position(line: string, d: Declaration): { start: number; end: number } {
  const name = new RegExp(
    d.name
      .split("-")
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[-_.]+"),
    "i",
  ).exec(line);
  const written = d.text ? line.indexOf(d.text) : -1;
  const start = written >= 0 ? written : (name?.index ?? line.length - line.trimStart().length);
  const end = written >= 0 ? written + d.text.length : Math.max(start + 1, line.trimEnd().length);
  return { start, end: Math.max(end, start) };
}

/** The findings of a repository's advisory checks. */
export function advisoryFindings(
  checks: readonly AdvisoryCheck[],
  index: DependencyIndex,
  scope: AdvisoryScope,
): FileScan & { notReached: AdvisoryNotReached[] } {
  const out: FileScan & { notReached: AdvisoryNotReached[] } = { findings: [], suppressed: [], loads: new Map(), notReached: [] };
  if (checks.length === 0) return out;
  const packages = new Set(checks.flatMap((c) => [...c.matcher.byPackage.keys()]));
  // (manifest, package, advisory) → the hit reported for it: pinned before range, then the first line.
  const chosen = new Map<string, Hit>();
  const rank = (h: Hit) => (h.check.matcher.versions === "pinned" ? 0 : 1);
  for (const [, declarations] of index.directories()) {
    const byName = new Map<string, Declaration[]>();
    for (const d of declarations) if (packages.has(d.name)) (byName.get(d.name) ?? byName.set(d.name, []).get(d.name)!).push(d);
    for (const [name, here] of byName) {
      for (const hit of directoryHits(here, (c) => c.matcher.byPackage.get(name) ?? [], checks)) {
        if (scope.disabled(hit.check.check.id, hit.declaration.file)) continue;
        const key = `${hit.declaration.file}\0${name}\0${hit.advisory.id}`;
        const other = chosen.get(key);
        if (!other || rank(hit) < rank(other) || (rank(hit) === rank(other) && (hit.declaration.line ?? 1) < (other.declaration.line ?? 1)))
          chosen.set(key, hit);
      }
    }
  }
  const byFile = new Map<string, Hit[]>();
  for (const h of chosen.values()) {
    // Not a finding when no code reaches the vulnerable part; listed, so a lead still sees the version.
    const reach = scope.reach?.(h.advisory, h.declaration.file);
    if (reach && !reach.reached) {
      out.notReached.push({
        path: h.declaration.file,
        line: h.declaration.line ?? 1,
        package: h.advisory.package,
        declared: h.vars.VERSION ?? h.declaration.text,
        advisory: h.advisory.id,
        severity: h.advisory.severity,
        summary: h.advisory.summary,
        reachedBy: [...(h.advisory.reachable?.uses ?? []).map(describeUse), ...(h.advisory.reachable?.mentions ?? [])],
        filesLooked: reach.looked,
      });
      continue;
    }
    (byFile.get(h.declaration.file) ?? byFile.set(h.declaration.file, []).get(h.declaration.file)!).push(h);
  }
  out.notReached.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.advisory.localeCompare(b.advisory)));
  for (const [file, hits] of byFile) {
    const text = index.sources.get(file) ?? "";
    const lines = splitLines(text);
    const context = scope.contextOf(file, text);
    // finalizeFile keeps one finding per check and position; several advisories on one line are one call each.
    const byAdvisory = new Map<string, RawMatch[]>();
    for (const h of groupRanges(hits)) {
      const line = Math.min(Math.max((h.declaration.line ?? 1) - 1, 0), lines.length - 1);
      const { start, end } = position(lines[line] ?? "", h.declaration);
      const raw: RawMatch = {
        check: h.check.check,
        start: { line, column: start },
        end: { line, column: end },
        // A range's finding is the declaration's, whichever advisories it admits today (new advisories join it).
        text: h.check.matcher.versions === "pinned" ? `${h.declaration.name} ${h.advisory.id}` : `${h.declaration.name} range`,
        scope: "",
        secrets: [],
        vars: h.vars,
        severity: h.advisory.severity,
      };
      (byAdvisory.get(h.advisory.id) ?? byAdvisory.set(h.advisory.id, []).get(h.advisory.id)!).push(raw);
    }
    for (const raws of byAdvisory.values()) {
      const r = finalizeFile(file, lines, raws, context, { refuse: scope.refuse });
      out.findings.push(...r.findings);
      out.suppressed.push(...r.suppressed);
    }
  }
  return out;
}
