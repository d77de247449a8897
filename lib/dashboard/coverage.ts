/**
 * Scan coverage over time: on each of the last `days` days, of the repositories registered then (and not
 * archived), the share with a completed scan (succeeded or unchanged) in the 24 hours and in the 7 days before
 * that moment. Optionally only one connected organisation's repositories. One statement; each point is "as of"
 * the same time of day as now, so today's point is the live figure the overview's card shows.
 */
import { Prisma, type Db } from "../db/client.ts";
import { repositoryAccessSql, type AccessScope } from "../findings/visibility.ts";
import { tsSql } from "./overview.ts";
import { DAY_MS } from "../time.ts";

export interface CoveragePoint {
  day: string;
  repositories: number;
  scanned24h: number;
  scanned7d: number;
  /** Percentages, 0–100 with one decimal; null when there were no repositories. */
  pct24h: number | null;
  pct7d: number | null;
}

export async function coverageTrend(
  db: Db,
  o: { days?: number; now?: Date; connectionId?: string; access: AccessScope },
): Promise<CoveragePoint[]> {
  const days = Math.min(Math.max(o.days ?? 30, 1), 365);
  const now = o.now ?? new Date();
  const first = new Date(now.getTime() - (days - 1) * DAY_MS);
  const since = new Date(first.getTime() - 7 * DAY_MS);
  const scope = Prisma.sql`WHERE TRUE ${o.connectionId ? Prisma.sql`AND r.id IN (SELECT fr."repositoryId" FROM "ForgeRepository" fr WHERE fr."connectionId" = ${o.connectionId})` : Prisma.empty} ${repositoryAccessSql("r", o.access)}`;
  // Point k is first + k days; a scan finished at t is inside point k's 24 hours exactly when
  // k = ceil((t - first) / 1 day), and inside its 7 days when that bucket is one of k-6 … k. So each scan is
  // bucketed once, and the 7-day flag is a window over a repository's buckets: no scan is looked at per point.
  const rows = await db.$queryRaw<Omit<CoveragePoint, "pct24h" | "pct7d">[]>`
    WITH repos AS (SELECT r.id, r."createdAt", r."archivedAt" FROM "Repository" r ${scope}),
    buckets AS (
      SELECT DISTINCT s."repositoryId" AS id, ceil(EXTRACT(EPOCH FROM (s."finishedAt" - ${tsSql(first)})) / 86400)::int AS k
        FROM "Scan" s
       WHERE s.status IN ('succeeded', 'unchanged') AND s."finishedAt" > ${tsSql(since)} AND s."finishedAt" <= ${tsSql(now)}
         AND s."repositoryId" IN (SELECT id FROM repos)
    ),
    grid AS (
      SELECT r.id, r."createdAt", r."archivedAt", g.k, ${tsSql(first)} + (g.k * interval '1 day') AS at,
             (b.k IS NOT NULL) AS scanned
        FROM repos r
        CROSS JOIN generate_series(-6, ${days - 1}::int) AS g(k)
        LEFT JOIN buckets b ON b.id = r.id AND b.k = g.k
    ),
    flags AS (
      SELECT id, "createdAt", "archivedAt", k, at, scanned,
             bool_or(scanned) OVER (PARTITION BY id ORDER BY k ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS week
        FROM grid
    ),
    points AS (SELECT n AS k, ${tsSql(first)} + (n * interval '1 day') AS at FROM generate_series(0, ${days - 1}::int) AS n)
    SELECT to_char(p.at, 'YYYY-MM-DD') AS day,
           count(f.id)::int AS repositories,
           count(f.id) FILTER (WHERE f.scanned)::int AS "scanned24h",
           count(f.id) FILTER (WHERE f.week)::int AS "scanned7d"
      FROM points p
      LEFT JOIN flags f ON f.k = p.k AND f."createdAt" <= p.at AND (f."archivedAt" IS NULL OR f."archivedAt" > p.at)
     GROUP BY p.at
     ORDER BY p.at`;
  const pct = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : null);
  return rows.map((r) => ({ ...r, pct24h: pct(r.scanned24h, r.repositories), pct7d: pct(r.scanned7d, r.repositories) }));
}
