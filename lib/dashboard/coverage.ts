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
  const rows = await db.$queryRaw<Omit<CoveragePoint, "pct24h" | "pct7d">[]>`
    WITH points AS (
      SELECT ${tsSql(first)} + (n * interval '1 day') AS at FROM generate_series(0, ${days - 1}::int) AS n
    ),
    repos AS (SELECT r.id, r."createdAt", r."archivedAt" FROM "Repository" r ${scope}),
    done AS (
      SELECT s."repositoryId", s."finishedAt" FROM "Scan" s
       WHERE s.status IN ('succeeded', 'unchanged') AND s."finishedAt" > ${tsSql(since)} AND s."repositoryId" IN (SELECT id FROM repos)
    )
    SELECT to_char(p.at, 'YYYY-MM-DD') AS day,
           count(r.id)::int AS repositories,
           count(r.id) FILTER (WHERE EXISTS (SELECT 1 FROM done d WHERE d."repositoryId" = r.id AND d."finishedAt" > p.at - interval '1 day' AND d."finishedAt" <= p.at))::int AS "scanned24h",
           count(r.id) FILTER (WHERE EXISTS (SELECT 1 FROM done d WHERE d."repositoryId" = r.id AND d."finishedAt" > p.at - interval '7 days' AND d."finishedAt" <= p.at))::int AS "scanned7d"
      FROM points p
      LEFT JOIN repos r ON r."createdAt" <= p.at AND (r."archivedAt" IS NULL OR r."archivedAt" > p.at)
     GROUP BY p.at
     ORDER BY p.at`;
  const pct = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : null);
  return rows.map((r) => ({ ...r, pct24h: pct(r.scanned24h, r.repositories), pct7d: pct(r.scanned7d, r.repositories) }));
}
