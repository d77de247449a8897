/**
 * OSV records (https://ossf.github.io/osv-schema/, as osv.dev, the GitHub advisory database and PyPA publish them)
 * turned into advisory-set entries, and merged into an installation's local advisory file
 * (`rules/advisories/local/`, advisory-set.ts). Pure: lib/cli/advisories.ts reads the export and writes the file.
 *
 * - Only PyPI packages are kept; a record's ECOSYSTEM ranges become PEP 440 specifier sets (introduced → `>=`,
 *   fixed → `<`, last_affected → `<=`), its explicit `versions` list when it has no range.
 * - Severity: the database's own rating (GitHub's database_specific.severity), else the CVSS v3 base score of
 *   its vector, else the `unrated` severity the caller chose; without one the record is skipped and says why.
 * - A record the bundled set already holds (same package, an id or alias in common) is skipped: the bundled entry
 *   wins. One already imported is replaced; a withdrawn one is removed.
 */
import { z } from "zod";
import { compare, valid } from "@renovatebot/pep440";
import { ADVISORY_ID, advisoryKeys, advisorySchema, type Advisory, type AdvisoryFile } from "./advisory-set.ts";
import { cvss3BaseScore, severityOfScore } from "./cvss.ts";
import { RulebookError } from "./rulebook.ts";
import type { Severity } from "./types.ts";

type Entry = z.infer<typeof advisorySchema>;

const event = z
  .object({
    introduced: z.string().optional(),
    fixed: z.string().optional(),
    last_affected: z.string().optional(),
    limit: z.string().optional(),
  })
  .loose();
const osvRecord = z
  .object({
    id: z.string().min(1).max(200),
    withdrawn: z.string().optional(),
    published: z.string().optional(),
    aliases: z.array(z.string()).optional(),
    summary: z.string().optional(),
    details: z.string().optional(),
    severity: z.array(z.object({ type: z.string(), score: z.string() }).loose()).optional(),
    affected: z
      .array(
        z
          .object({
            package: z.object({ ecosystem: z.string(), name: z.string() }).loose().optional(),
            ranges: z.array(z.object({ type: z.string(), events: z.array(event) }).loose()).optional(),
            versions: z.array(z.string()).optional(),
            database_specific: z.record(z.string(), z.unknown()).optional(),
          })
          .loose(),
      )
      .optional(),
    references: z.array(z.object({ type: z.string().optional(), url: z.string() }).loose()).optional(),
    database_specific: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
type OsvRecord = z.infer<typeof osvRecord>;

/** An export's records: one record, an array of them, or an API answer `{vulns: [...]}`. */
export function osvRecords(json: unknown, source: string): unknown[] {
  if (Array.isArray(json)) return json;
  if (json && typeof json === "object" && Array.isArray((json as { vulns?: unknown }).vulns)) return (json as { vulns: unknown[] }).vulns;
  if (json && typeof json === "object" && "id" in json) return [json];
  throw new RulebookError(source, 'not an OSV export: expected a record, an array of records or {"vulns": [...]}');
}

export interface Skipped {
  id: string;
  reason: string;
}

const SEVERITY_NAMES: Record<string, Severity> = { CRITICAL: "critical", HIGH: "high", MODERATE: "medium", MEDIUM: "medium", LOW: "low" };
const MAX_SUMMARY = 80;
/** A record listing more single versions than this is not a range anyone can review; it is skipped. */
const MAX_VERSIONS = 2000;

function ratingOf(r: OsvRecord, affected: NonNullable<OsvRecord["affected"]>[number], unrated?: Severity): Severity | undefined {
  for (const s of [r.database_specific?.severity, affected.database_specific?.severity])
    if (typeof s === "string" && SEVERITY_NAMES[s.toUpperCase()]) return SEVERITY_NAMES[s.toUpperCase()];
  for (const s of r.severity ?? []) {
    const score = s.type === "CVSS_V3" ? cvss3BaseScore(s.score) : undefined;
    if (score !== undefined) return severityOfScore(score);
  }
  return unrated;
}

/** ECOSYSTEM events as specifier sets: each `introduced` up to the next `fixed` or `last_affected`. */
function rangesOf(events: z.infer<typeof event>[]): { affected: string[]; fixed: string[] } | undefined {
  const points = events.flatMap((e) =>
    (["introduced", "fixed", "last_affected"] as const).filter((k) => e[k] !== undefined).map((k) => ({ kind: k, v: e[k]! })),
  );
  if (points.some((p) => !(p.kind === "introduced" && p.v === "0") && valid(p.v) === null)) return undefined;
  points.sort((a, b) => (a.v === "0" ? -1 : b.v === "0" ? 1 : compare(a.v, b.v)));
  const affected: string[] = [];
  const fixed: string[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.kind === "fixed") fixed.push(p.v);
    if (p.kind !== "introduced") continue;
    const end = points.slice(i + 1).find((q) => q.kind !== "introduced");
    const lower = p.v === "0" ? [] : [`>=${p.v}`];
    const upper = !end ? [] : [end.kind === "fixed" ? `<${end.v}` : `<=${end.v}`];
    affected.push([...lower, ...upper].join(",") || ">=0");
  }
  return { affected, fixed };
}

/** NVD-derived details open with what the product is ("BentoML is a Python library for ..."): not the flaw. */
const PRODUCT_BLURB = /^[A-Za-z0-9 ._'-]{1,60} (?:is|are) (?:an?|the) /;

function summaryOf(r: OsvRecord): string {
  const sentences = (r.details ?? "")
    .split(/\n+|(?<=\.)\s+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const text = (r.summary?.trim() || sentences.find((x) => !PRODUCT_BLURB.test(x)) || sentences[0] || r.id).replace(/\s+/g, " ");
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1).trimEnd()}…` : text;
}

function urlOf(r: OsvRecord): string {
  const https = (r.references ?? []).filter((x) => /^https:\/\/[^\s]+$/.test(x.url));
  return (https.find((x) => x.type === "ADVISORY") ?? https[0])?.url ?? `https://osv.dev/vulnerability/${encodeURIComponent(r.id)}`;
}

/** One record's entries (one per PyPI package it affects), or why it has none. */
export function fromOsv(
  raw: unknown,
  opts: { unrated?: Severity } = {},
): { entries: Entry[]; skipped?: string; withdrawn?: { id: string; packages: string[] } } {
  const parsed = osvRecord.safeParse(raw);
  if (!parsed.success) throw new Error(`${parsed.error.issues[0]!.path.join(".") || "(record)"}: ${parsed.error.issues[0]!.message}`);
  const r = parsed.data;
  const pypi = (r.affected ?? []).filter((a) => a.package?.ecosystem === "PyPI");
  if (r.withdrawn) return { entries: [], skipped: "withdrawn", withdrawn: { id: r.id, packages: pypi.map((a) => a.package!.name) } };
  if (!ADVISORY_ID.test(r.id)) return { entries: [], skipped: "its id is not an OSV identifier" };
  if (pypi.length === 0)
    return {
      entries: [],
      skipped: `not a PyPI package (${[...new Set((r.affected ?? []).map((a) => a.package?.ecosystem ?? "no ecosystem"))].join(", ") || "no affected packages"})`,
    };
  const entries: Entry[] = [];
  const reasons: string[] = [];
  for (const a of pypi) {
    const name = a.package!.name;
    let affected: string[] = [];
    let fixed: string[] = [];
    for (const range of (a.ranges ?? []).filter((x) => x.type === "ECOSYSTEM")) {
      const got = rangesOf(range.events);
      if (!got) {
        reasons.push(`${name}: a range names a version that is not PEP 440`);
        continue;
      }
      affected.push(...got.affected);
      fixed.push(...got.fixed);
    }
    if (affected.length === 0 && a.versions?.length) {
      const versions = a.versions.filter((v) => valid(v) !== null);
      if (versions.length > MAX_VERSIONS) reasons.push(`${name}: ${versions.length} single versions and no range`);
      else affected = versions.map((v) => `==${v}`);
    }
    if (affected.length === 0) {
      reasons.push(`${name}: no PyPI version range`);
      continue;
    }
    const severity = ratingOf(r, a, opts.unrated);
    if (!severity) {
      reasons.push(`${name}: no severity it can read (a database rating or a CVSS v3 vector; give --unrated)`);
      continue;
    }
    fixed = [...new Set(fixed)];
    affected = [...new Set(affected)];
    const entry = advisorySchema.safeParse({
      id: r.id,
      aliases: [...new Set((r.aliases ?? []).filter((x) => ADVISORY_ID.test(x) && x !== r.id))],
      package: name,
      affected,
      fixed,
      severity,
      summary: summaryOf(r),
      url: urlOf(r),
      ...(r.published && /^\d{4}-\d{2}-\d{2}/.test(r.published) ? { published: r.published.slice(0, 10) } : {}),
    });
    if (entry.success) entries.push(entry.data);
    else reasons.push(`${name}: ${entry.error.issues[0]!.path.join(".")}: ${entry.error.issues[0]!.message}`);
  }
  return entries.length ? { entries } : { entries, skipped: reasons.join("; ") };
}

export interface ImportReport {
  records: number;
  added: Entry[];
  updated: Entry[];
  unchanged: number;
  removed: Entry[];
  skipped: Skipped[];
  /** The local file's new content. */
  file: AdvisoryFile;
}

/**
 * Merges an export's records into the local advisory file. Throws RulebookError (naming `source` and the record)
 * when a record is not an OSV record at all: nothing is written from an export that is not what it claims.
 */
export function importOsv(
  records: readonly unknown[],
  opts: { source: string; bundled: readonly Advisory[]; local: readonly Entry[]; today: string; unrated?: Severity },
): ImportReport {
  const bundledKeys = new Set(opts.bundled.flatMap(advisoryKeys));
  const keyOf = (e: Pick<Entry, "package" | "id">) => `${e.package.toLowerCase().replace(/[-_.]+/g, "-")}:${e.id}`;
  const local = new Map(opts.local.map((e) => [keyOf(e), e]));
  // One advisory under two ids (a PYSEC record and the GHSA it aliases) is kept once, under the first id seen.
  const owner = new Map(opts.local.flatMap((e) => advisoryKeys(e).map((k) => [k, keyOf(e)] as const)));
  const report: ImportReport = {
    records: records.length,
    added: [],
    updated: [],
    unchanged: 0,
    removed: [],
    skipped: [],
    file: { reviewed: opts.today, source: opts.source, advisories: [] },
  };
  records.forEach((raw, i) => {
    let got: ReturnType<typeof fromOsv>;
    try {
      got = fromOsv(raw, { unrated: opts.unrated });
    } catch (e) {
      const id =
        raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : `record ${i + 1}`;
      throw new RulebookError(opts.source, `${id}: not a valid OSV record: ${(e as Error).message}`);
    }
    const id = (raw as { id: string }).id;
    if (got.withdrawn) {
      for (const pkg of got.withdrawn.packages) {
        const k = keyOf({ package: pkg, id: got.withdrawn.id });
        const old = local.get(k);
        if (old) {
          local.delete(k);
          for (const a of advisoryKeys(old)) owner.delete(a);
          report.removed.push(old);
        }
      }
    }
    if (got.skipped) report.skipped.push({ id, reason: got.skipped });
    for (const e of got.entries) {
      if (advisoryKeys(e).some((k) => bundledKeys.has(k))) {
        report.skipped.push({ id, reason: `${e.package}: already in the bundled set` });
        continue;
      }
      const k = keyOf(e);
      const other = advisoryKeys(e)
        .map((a) => owner.get(a))
        .find((o) => o !== undefined && o !== k);
      if (other) {
        report.skipped.push({ id, reason: `${e.package}: the same advisory as ${local.get(other)?.id ?? other}, imported already` });
        continue;
      }
      for (const a of advisoryKeys(e)) owner.set(a, k);
      const old = local.get(k);
      if (!old) report.added.push(e);
      else if (JSON.stringify(old) !== JSON.stringify(e)) report.updated.push(e);
      else report.unchanged++;
      local.set(k, e);
    }
  });
  report.file.advisories = [...local.values()].sort((a, b) =>
    a.package < b.package ? -1 : a.package > b.package ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return report;
}
