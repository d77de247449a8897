/**
 * The day rollup rows a reader counts, from `from` (a UTC day) on: for an org-wide reader, the org rollup
 * (FindingDayOrgRollup: days × checks, whatever the number of repositories) minus the archived repositories'
 * rows of FindingDayRollup, which is exactly FindingDayRollup without them; for a team, a repository or a
 * scoped reader, FindingDayRollup through its (repositoryId, day) index. Either way disabled checks and
 * uncounted contexts are left out (lib/findings/visibility.ts), so the rows sum to what visibleSql selects.
 * Columns: day, severity, sign (+1 or -1) and the counts; sum `sign * column`.
 */
import { Prisma } from "../db/client.ts";
import { countedSql, visibleSql, type FindingScope, type Visibility } from "../findings/visibility.ts";

export function dayRowsSql(from: string, scope: FindingScope, visibility: Visibility): Prisma.Sql {
  if (scope.repositoryId || scope.teamId || !visibility.access.all)
    return Prisma.sql`SELECT r.*, 1 AS sign FROM "FindingDayRollup" r WHERE r."day" >= ${from}::date ${visibleSql("r", scope, visibility)}`;
  const cols = Prisma.sql`r."day", r."severity", r."opened", r."closed", r."detected", r."fixed", r."closedFalsePositive",
    r."closedAcceptedRisk", r."reopened", r."expired", r."remediated", r."remediatedDays"`;
  return Prisma.sql`
    SELECT ${cols}, 1 AS sign FROM "FindingDayOrgRollup" r WHERE r."day" >= ${from}::date ${countedSql("r", visibility)}
    UNION ALL
    SELECT ${cols}, -1 AS sign
      FROM "Repository" a
     CROSS JOIN LATERAL (
       -- One index range per archived repository: the planner otherwise hashes the whole table against them.
       -- OFFSET 0 keeps it a subquery the planner cannot flatten into that hash join.
       SELECT r.* FROM "FindingDayRollup" r WHERE r."repositoryId" = a.id AND r."day" >= ${from}::date ${countedSql("r", visibility)} OFFSET 0
     ) r
     WHERE a."archivedAt" IS NOT NULL`;
}
