/**
 * The overview's figures for security leads: open and overdue findings, the lifecycle trend (trends.ts), mean
 * time to remediate, scan coverage and the riskiest policies and repositories. Each is one aggregate statement
 * so the page's panels load independently; the finding figures read the lifecycle rollups (lib/rollups/), whose
 * size follows repositories × checks and the window's days, not the number of findings or the history's length.
 */
import { z } from "zod";
import { Prisma, type Db } from "../db/client.ts";
import { SEVERITIES, type Severity } from "../engine/types.ts";
import { weightSql } from "./risk-sql.ts";
import { addDays, OPEN_SET_SQL, utcDay, type SeverityCounts, type TrendScope } from "./trends.ts";
import { repositoryAccessSql, visibleSql, type AccessScope, type Visibility } from "../findings/visibility.ts";
import { dayRowsSql } from "../rollups/days.ts";
import { dueCounts } from "../rollups/due.ts";
import { DAY_MS } from "../time.ts";
import { firstValue } from "../url-params.ts";

export const RANGES = [30, 90, 180, 365] as const;
export type Range = (typeof RANGES)[number];
export const DEFAULT_RANGE: Range = 90;
/** "New vs fixed" always covers the last 30 days, whatever the trend's range. */
export const FLOW_DAYS = 30;

/** The URL's range (?range=90); anything else falls back to the default rather than failing the page. */
export const rangeParam = z
  .preprocess(firstValue, z.coerce.number().int())
  .refine((n): n is Range => (RANGES as readonly number[]).includes(n))
  .catch(DEFAULT_RANGE) as z.ZodType<Range, unknown>;

export const overviewParams = z.object({ range: rangeParam });
export type OverviewParams = z.infer<typeof overviewParams>;

export const zeroCounts = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0 });

/** A JS Date as a timestamp without time zone (the columns hold UTC). */
export const tsSql = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp`;

interface Opts extends TrendScope {
  now?: Date;
  /** Required: what counts and whose (lib/findings/visibility.ts). */
  visibility: Visibility;
}

export interface RiskRow extends SeverityCounts {
  id: string;
  name: string;
  /** Σ open findings × severity weight. */
  risk: number;
  open: number;
}

export interface OpenFindings {
  open: SeverityCounts;
  /** Open findings past their SLA due date (Finding.dueAt). */
  overdue: SeverityCounts;
  /** The policies and repositories with the most weighted open risk. */
  policies: (RiskRow & { framework: string })[];
  repositories: (RiskRow & { teamId: string; teamName: string })[];
}

interface BreakdownRow extends SeverityCounts {
  kind: "severity" | "policy" | "repository";
  id: string;
  name: string | null;
  extra: string | null;
  extra2: string | null;
  open: number;
  risk: number;
}

/**
 * Open findings by severity, overdue ones, and the top policies and repositories by weighted risk: the status
 * rollup grouped once by (severity, policy, repository), then folded three ways; overdue from the due-date
 * rollup (lib/rollups/due.ts).
 */
export async function openFindings(db: Db, o: Opts & { limit?: number }): Promise<OpenFindings> {
  const now = o.now ?? new Date();
  const limit = Math.max(1, Math.min(100, o.limit ?? 10));
  const visibility = o.visibility;
  const scope: TrendScope = { repositoryId: o.repositoryId, teamId: o.teamId };
  const bySeverity = Prisma.sql`
    SUM(g.n) FILTER (WHERE g.severity = 'critical')::int AS critical,
    SUM(g.n) FILTER (WHERE g.severity = 'high')::int AS high,
    SUM(g.n) FILTER (WHERE g.severity = 'medium')::int AS medium,
    SUM(g.n) FILTER (WHERE g.severity = 'low')::int AS low,
    SUM(g.n)::int AS open, SUM(g.n * ${weightSql(Prisma.sql`g.severity`)})::int AS risk`;
  const [rows, due] = await Promise.all([
    db.$queryRaw<BreakdownRow[]>`
    WITH g AS (
      SELECT s."severity", s."policyId", s."repositoryId", SUM(s."n") AS n
        FROM "FindingStatusRollup" s
       WHERE s."status" IN ${OPEN_SET_SQL} AND s."n" <> 0 ${visibleSql("s", scope, visibility)}
       GROUP BY 1, 2, 3
      HAVING SUM(s."n") <> 0
    ),
    pol AS (SELECT g."policyId" AS id, ${bySeverity} FROM g GROUP BY 1 ORDER BY risk DESC, open DESC, 1 LIMIT ${limit}),
    rep AS (SELECT g."repositoryId" AS id, ${bySeverity} FROM g GROUP BY 1 ORDER BY risk DESC, open DESC, 1 LIMIT ${limit})
    SELECT 'severity' AS kind, g.severity::text AS id, NULL AS name, NULL AS extra, NULL AS extra2, 0 AS critical, 0 AS high, 0 AS medium, 0 AS low,
           SUM(g.n)::int AS open, 0 AS risk
      FROM g GROUP BY g.severity
    UNION ALL
    SELECT 'policy', pol.id, p."title", p."framework"::text, NULL, pol.critical, pol.high, pol.medium, pol.low, pol.open, pol.risk
      FROM pol JOIN "Policy" p ON p.id = pol.id
    UNION ALL
    SELECT 'repository', rep.id, r."name", r."teamId", t."name", rep.critical, rep.high, rep.medium, rep.low, rep.open, rep.risk
      FROM rep JOIN "Repository" r ON r.id = rep.id JOIN "Team" t ON t.id = r."teamId"`,
    dueCounts(db, { ...scope, now, visibility }),
  ]);

  const open = zeroCounts();
  const overdue = zeroCounts();
  for (const sev of SEVERITIES) overdue[sev] = due[sev].overdue;
  const counts = (r: BreakdownRow) => ({
    critical: r.critical ?? 0,
    high: r.high ?? 0,
    medium: r.medium ?? 0,
    low: r.low ?? 0,
    risk: r.risk,
    open: r.open,
  });
  const byRisk = (a: RiskRow, b: RiskRow) => b.risk - a.risk || b.open - a.open || (a.id < b.id ? -1 : 1);
  const policies: OpenFindings["policies"] = [];
  const repositories: OpenFindings["repositories"] = [];
  for (const r of rows) {
    if (r.kind === "severity") {
      open[r.id as Severity] = r.open;
    } else if (r.kind === "policy") policies.push({ id: r.id, name: r.name ?? r.id, framework: r.extra ?? "", ...counts(r) });
    else repositories.push({ id: r.id, name: r.name ?? r.id, teamId: r.extra ?? "", teamName: r.extra2 ?? "", ...counts(r) });
  }
  return { open, overdue, policies: policies.sort(byRisk), repositories: repositories.sort(byRisk) };
}

export interface Mttr {
  /** Mean days from first detection to fix, for findings fixed in the window (null: none fixed). */
  bySeverity: Record<Severity, { days: number | null; count: number }>;
  all: { days: number | null; count: number };
  /** The same per ISO week of the fix (Monday, YYYY-MM-DD). */
  weeks: ({ week: string; all: number | null; count: number } & Record<Severity, number | null>)[];
}

/** Mondays (ISO weeks, as date_trunc('week') has them) from the week of `from` to the week of `to`. */
export function weeksBetween(from: string, to: string): string[] {
  const monday = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
  const out: string[] = [];
  for (let w = monday(from); w <= to; w = addDays(w, 7)) out.push(w);
  return out;
}

/**
 * Mean time to remediate: for findings a scan found fixed in the last `days` days (and still fixed), the time
 * from first detection to the fix. A finding fixed, reopened and fixed again counts once, from its first
 * detection: the time it was exposed in total, not only since the reopen.
 */
export async function mttr(db: Db, o: Opts & { days: number }): Promise<Mttr> {
  const today = utcDay(o.now ?? new Date());
  const first = addDays(today, -(Math.max(1, o.days) - 1));
  const visibility = o.visibility;
  // Findings fixed now, by the day of their fix (FindingDayRollup.remediated, kept from Finding.fixedAt).
  const rows = await db.$queryRaw<{ week: string; severity: Severity; n: number; sum: number }[]>`
    SELECT to_char(w.week, 'YYYY-MM-DD') AS week, w.severity, w.n, w.sum FROM (
    SELECT date_trunc('week', r."day") AS week, r."severity"::text AS severity, SUM(r.sign * r."remediated")::int AS n,
           SUM(r.sign * r."remediatedDays")::float8 AS sum
      FROM (${dayRowsSql(first, { repositoryId: o.repositoryId, teamId: o.teamId }, visibility)}) r
     WHERE r."remediated" <> 0
     GROUP BY 1, 2
    HAVING SUM(r.sign * r."remediated") <> 0) w
     ORDER BY w.week`;
  const mean = (sum: number, n: number) => (n ? sum / n : null);
  const tot = Object.fromEntries(SEVERITIES.map((s) => [s, { sum: 0, n: 0 }])) as Record<Severity, { sum: number; n: number }>;
  const weeks = new Map<string, { sums: Record<Severity, { sum: number; n: number }> }>();
  for (const r of rows) {
    tot[r.severity].sum += r.sum;
    tot[r.severity].n += r.n;
    let w = weeks.get(r.week);
    if (!w)
      weeks.set(
        r.week,
        (w = { sums: Object.fromEntries(SEVERITIES.map((s) => [s, { sum: 0, n: 0 }])) as Record<Severity, { sum: number; n: number }> }),
      );
    w.sums[r.severity] = { sum: r.sum, n: r.n };
  }
  const allSum = SEVERITIES.reduce((a, s) => a + tot[s].sum, 0);
  const allN = SEVERITIES.reduce((a, s) => a + tot[s].n, 0);
  return {
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, { days: mean(tot[s].sum, tot[s].n), count: tot[s].n }])) as Mttr["bySeverity"],
    all: { days: mean(allSum, allN), count: allN },
    // Every week of the range, a week without a fix as nulls: the chart draws a gap there, not a line through it.
    weeks: weeksBetween(first, today)
      .map(
        (week) =>
          [
            week,
            weeks.get(week) ?? {
              sums: Object.fromEntries(SEVERITIES.map((s) => [s, { sum: 0, n: 0 }])) as Record<Severity, { sum: number; n: number }>,
            },
          ] as const,
      )
      .map(([week, w]) => {
        const sum = SEVERITIES.reduce((a, s) => a + w.sums[s].sum, 0);
        const n = SEVERITIES.reduce((a, s) => a + w.sums[s].n, 0);
        return {
          week,
          all: mean(sum, n),
          count: n,
          ...(Object.fromEntries(SEVERITIES.map((s) => [s, mean(w.sums[s].sum, w.sums[s].n)])) as Record<Severity, number | null>),
        };
      }),
  };
}

export interface Coverage {
  /** Active (not archived) repositories. */
  repositories: number;
  /** Repositories with a completed scan (succeeded or unchanged) finished in the last 24 h / 7 days. */
  scanned24h: number;
  scanned7d: number;
  /** Repositories without a completed scan yet. */
  neverScanned: number;
  failedScans24h: number;
  failedScans7d: number;
  /** Repositories whose latest scan failed. */
  failingRepositories: number;
}

export async function coverage(db: Db, o: { now?: Date; teamId?: string; access: AccessScope }): Promise<Coverage> {
  const now = o.now ?? new Date();
  const day = new Date(now.getTime() - DAY_MS);
  const week = new Date(now.getTime() - 7 * DAY_MS);
  const team = o.teamId ? Prisma.sql`AND r."teamId" = ${o.teamId}` : Prisma.empty;
  const [row] = await db.$queryRaw<Coverage[]>`
    WITH repos AS (SELECT r.id FROM "Repository" r WHERE r."archivedAt" IS NULL ${team} ${repositoryAccessSql("r", o.access)}),
    recent AS (
      SELECT s."repositoryId", s."status", s."finishedAt"
        FROM "Scan" s
       WHERE s."finishedAt" >= ${tsSql(week)} AND s."repositoryId" IN (SELECT id FROM repos)
    ),
    latest AS (
      SELECT l."status"
        FROM repos
        CROSS JOIN LATERAL (SELECT s."status" FROM "Scan" s WHERE s."repositoryId" = repos.id ORDER BY s."queuedAt" DESC LIMIT 1) l
    )
    SELECT (SELECT COUNT(*) FROM repos)::int AS repositories,
           (SELECT COUNT(DISTINCT "repositoryId") FROM recent WHERE "status" IN ('succeeded', 'unchanged') AND "finishedAt" >= ${tsSql(day)})::int AS "scanned24h",
           (SELECT COUNT(DISTINCT "repositoryId") FROM recent WHERE "status" IN ('succeeded', 'unchanged'))::int AS "scanned7d",
           (SELECT COUNT(*) FROM repos WHERE NOT EXISTS (SELECT 1 FROM "Scan" s WHERE s."repositoryId" = repos.id AND s."status" IN ('succeeded', 'unchanged')))::int AS "neverScanned",
           (SELECT COUNT(*) FROM recent WHERE "status" = 'failed' AND "finishedAt" >= ${tsSql(day)})::int AS "failedScans24h",
           (SELECT COUNT(*) FROM recent WHERE "status" = 'failed')::int AS "failedScans7d",
           (SELECT COUNT(*) FROM latest WHERE "status" = 'failed')::int AS "failingRepositories"`;
  return row!;
}
