/**
 * Open findings by how their SLA due date (Finding.dueAt) stands against a moment: overdue (due before it) and
 * due soon (due from it until `soon`). Whole days come from FindingDueRollup; only the findings due on the
 * partial days at either end (today before `now`, the last day before `soon`) are counted from Finding, through
 * its dueAt index, so the figure is exact to the millisecond and costs a day's findings, not every open one.
 */
import { Prisma, type Db } from "../db/client.ts";
import { SEVERITIES, type Severity } from "../engine/types.ts";
import { OPEN_SET_SQL } from "../findings/status.ts";
import { visibleSql, type FindingScope, type Visibility } from "../findings/visibility.ts";
import { DAY_MS } from "../time.ts";

export interface DueCounts {
  overdue: number;
  dueSoon: number;
}

const ts = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp`;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS);

export async function dueCounts(
  db: Db,
  o: FindingScope & { now: Date; soon?: Date; visibility: Visibility },
): Promise<Record<Severity, DueCounts>> {
  const { now, visibility } = o;
  const soon = o.soon && o.soon > now ? o.soon : now;
  const scope: FindingScope = { repositoryId: o.repositoryId, teamId: o.teamId };
  const today = dayOf(now);
  const lastDay = dayOf(soon);
  const todayStart = new Date(`${today}T00:00:00Z`);
  const lastStart = new Date(`${lastDay}T00:00:00Z`);
  // Overdue: whole days before today, then today's findings due before now.
  // Due soon: the rest of today (or until `soon` when it is today), whole days between, the last day until `soon`.
  const partials: Prisma.Sql[] = [
    Prisma.sql`SELECT f."severity", 'overdue' AS k FROM "Finding" f
                WHERE f."dueAt" >= ${ts(todayStart)} AND f."dueAt" < ${ts(now)} AND f."status" IN ${OPEN_SET_SQL} ${visibleSql("f", scope, visibility)}`,
  ];
  if (soon > now)
    partials.push(
      lastDay === today
        ? Prisma.sql`SELECT f."severity", 'soon' FROM "Finding" f
                      WHERE f."dueAt" >= ${ts(now)} AND f."dueAt" < ${ts(soon)} AND f."status" IN ${OPEN_SET_SQL} ${visibleSql("f", scope, visibility)}`
        : Prisma.sql`SELECT f."severity", 'soon' FROM "Finding" f
                      WHERE ((f."dueAt" >= ${ts(now)} AND f."dueAt" < ${ts(nextDay(today))}) OR (f."dueAt" >= ${ts(lastStart)} AND f."dueAt" < ${ts(soon)}))
                        AND f."status" IN ${OPEN_SET_SQL} ${visibleSql("f", scope, visibility)}`,
    );
  const rows = await db.$queryRaw<{ severity: Severity; overdue: number; soon: number }[]>`
    WITH whole AS (
      SELECT d."severity",
             SUM(d."n") FILTER (WHERE d."dueDay" < ${today}::date) AS overdue,
             SUM(d."n") FILTER (WHERE d."dueDay" > ${today}::date AND d."dueDay" < ${lastDay}::date) AS soon
        FROM "FindingDueRollup" d
       WHERE d."dueDay" < ${lastDay}::date ${visibleSql("d", scope, visibility)}
       GROUP BY 1
    ),
    part AS (
      SELECT p."severity", COUNT(*) FILTER (WHERE p.k = 'overdue') AS overdue, COUNT(*) FILTER (WHERE p.k = 'soon') AS soon
        FROM (${Prisma.join(partials, " UNION ALL ")}) p
       GROUP BY 1
    )
    SELECT x."severity"::text AS severity, COALESCE(SUM(x.overdue), 0)::int AS overdue, COALESCE(SUM(x.soon), 0)::int AS soon
      FROM (SELECT * FROM whole UNION ALL SELECT * FROM part) x
     GROUP BY 1`;
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, { overdue: 0, dueSoon: 0 }])) as Record<Severity, DueCounts>;
  for (const r of rows) out[r.severity] = { overdue: r.overdue, dueSoon: r.soon };
  return out;
}
