/**
 * The remediation page: where findings stand (status per team and repository), how fast the open set burns
 * down (trends.ts), what is due when under the SLA, and which risks were accepted until when. Every figure is
 * an aggregate in SQL over the lifecycle rollups (lib/rollups/), or a short list of findings, scoped by team and
 * repository from the URL.
 */
import { z } from "zod";
import type { Db, FindingStatus, Severity } from "../db/client.ts";
import { FINDING_STATUSES, openCount } from "../findings/status.ts";
import { getSettings, slaDays } from "../settings.ts";
import { rangeParam, tsSql } from "./overview.ts";
import { OPEN_SET_SQL, type TrendScope } from "./trends.ts";
import { repositoryAccessWhere, teamAccessWhere, visibleSql, type AccessScope, type Visibility } from "../findings/visibility.ts";
import { SEVERITIES } from "../engine/types.ts";
import { dueCounts } from "../rollups/due.ts";
import { DAY_MS } from "../time.ts";
import { firstValue } from "../url-params.ts";

const id = z.preprocess(firstValue, z.string().trim().min(1).max(64).optional()).catch(undefined);

export const REPOSITORIES_SHOWN = 10;
export const REPOSITORIES_SHOWN_MORE = 100;
/** Findings listed in the SLA and accepted-risk tables (the findings page has the rest). */
export const LIST_LIMIT = 15;
/** "Due soon": within this many days. */
export const DUE_SOON_DAYS = 7;
/** Accepted risks that expired in this many days are listed as returned to open. */
export const RETURNED_DAYS = 90;

/** The URL's filters; unknown or malformed values fall back to "all" rather than failing the page. */
export const remediationParams = z.object({
  team: id,
  repository: id,
  range: rangeParam,
  more: z.preprocess(firstValue, z.enum(["1"]).optional()).catch(undefined),
});
export type RemediationParams = z.infer<typeof remediationParams>;

export const scopeOf = (p: RemediationParams): TrendScope => ({ teamId: p.team, repositoryId: p.repository });

export type StatusCounts = Record<FindingStatus, number>;
const zeroStatus = (): StatusCounts => Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as StatusCounts;
const openOf = openCount;

export interface StatusRow {
  id: string;
  name: string;
  counts: StatusCounts;
  open: number;
  total: number;
}

export interface StatusBreakdown {
  teams: StatusRow[];
  /** The repositories with the most open findings (top `limit`). */
  repositories: (StatusRow & { teamName: string })[];
  /** Repositories in scope with at least one finding. */
  repositoryCount: number;
  totals: StatusCounts;
}

/**
 * Findings by status per team and per repository: the status rollup grouped by repository and status, then
 * folded by team.
 */
export async function statusBreakdown(db: Db, o: TrendScope & { limit?: number; visibility: Visibility }): Promise<StatusBreakdown> {
  const limit = Math.max(1, Math.min(REPOSITORIES_SHOWN_MORE, o.limit ?? REPOSITORIES_SHOWN));
  const visibility = o.visibility;
  const rows = await db.$queryRaw<
    { repositoryId: string; name: string; teamId: string; teamName: string; status: FindingStatus; n: number }[]
  >`
    SELECT g."repositoryId", r."name", r."teamId", t."name" AS "teamName", g.status::text AS status, g.n
      FROM (SELECT f."repositoryId", f."status", SUM(f."n")::int AS n
              FROM "FindingStatusRollup" f
             WHERE f."n" <> 0 ${visibleSql("f", o, visibility)}
             GROUP BY 1, 2
            HAVING SUM(f."n") <> 0) g
      JOIN "Repository" r ON r.id = g."repositoryId"
      JOIN "Team" t ON t.id = r."teamId"`;
  const teams = new Map<string, StatusRow>();
  const repos = new Map<string, StatusRow & { teamName: string }>();
  const totals = zeroStatus();
  for (const r of rows) {
    let team = teams.get(r.teamId);
    if (!team) teams.set(r.teamId, (team = { id: r.teamId, name: r.teamName, counts: zeroStatus(), open: 0, total: 0 }));
    let repo = repos.get(r.repositoryId);
    if (!repo)
      repos.set(
        r.repositoryId,
        (repo = { id: r.repositoryId, name: r.name, teamName: r.teamName, counts: zeroStatus(), open: 0, total: 0 }),
      );
    team.counts[r.status] += r.n;
    repo.counts[r.status] += r.n;
    totals[r.status] += r.n;
  }
  const finish = <T extends StatusRow>(x: T): T => ({
    ...x,
    open: openOf(x.counts),
    total: FINDING_STATUSES.reduce((a, s) => a + x.counts[s], 0),
  });
  const byOpen = (a: StatusRow, b: StatusRow) => b.open - a.open || b.total - a.total || a.name.localeCompare(b.name);
  return {
    teams: [...teams.values()].map(finish).sort(byOpen),
    repositories: [...repos.values()].map(finish).sort(byOpen).slice(0, limit),
    repositoryCount: repos.size,
    totals,
  };
}

export interface SlaRow {
  severity: Severity;
  /** The SLA from settings, in days from first detection. */
  days: number;
  open: number;
  overdue: number;
  /** Not overdue, due within DUE_SOON_DAYS. */
  dueSoon: number;
}

export interface DueFinding {
  id: string;
  severity: Severity;
  status: FindingStatus;
  message: string;
  path: string;
  line: number;
  policyTitle: string;
  repositoryId: string;
  repositoryName: string;
  assigneeName: string | null;
  dueAt: Date;
}

export interface SlaView {
  bySeverity: SlaRow[];
  /** Open findings by due date, earliest (most overdue) first. */
  due: DueFinding[];
}

export async function slaView(db: Db, o: TrendScope & { now?: Date; visibility: Visibility }): Promise<SlaView> {
  const now = o.now ?? new Date();
  const soon = new Date(now.getTime() + DUE_SOON_DAYS * DAY_MS);
  const visibility = o.visibility;
  const [settings, counts, dues, due] = await Promise.all([
    getSettings(db),
    db.$queryRaw<{ severity: Severity; open: number }[]>`
      SELECT f."severity"::text AS severity, SUM(f."n")::int AS open
        FROM "FindingStatusRollup" f
       WHERE f."status" IN ${OPEN_SET_SQL} AND f."n" <> 0 ${visibleSql("f", o, visibility)}
       GROUP BY 1`,
    dueCounts(db, { repositoryId: o.repositoryId, teamId: o.teamId, now, soon, visibility }),
    db.$queryRaw<DueFinding[]>`
      SELECT f.id, f."severity"::text AS severity, f."status"::text AS status, f."message", f."path", f."line", p."title" AS "policyTitle",
             f."repositoryId", r."name" AS "repositoryName", u."name" AS "assigneeName", f."dueAt"
        FROM "Finding" f
        JOIN "Repository" r ON r.id = f."repositoryId"
        JOIN "Policy" p ON p.id = f."policyId"
        LEFT JOIN "User" u ON u.id = f."assigneeId"
       WHERE f."status" IN ${OPEN_SET_SQL} ${visibleSql("f", o, visibility)}
       ORDER BY f."dueAt", f.id
       LIMIT ${LIST_LIMIT}`,
  ]);
  const bySeverity = SEVERITIES.map((severity) => {
    const c = counts.find((x) => x.severity === severity);
    return { severity, days: slaDays(settings, severity), open: c?.open ?? 0, ...dues[severity] };
  });
  return { bySeverity, due };
}

/** A finding in the accepted-risk panels: what it is and where. */
interface RiskFinding {
  id: string;
  severity: Severity;
  message: string;
  policyTitle: string;
  repositoryId: string;
  repositoryName: string;
}

export interface AcceptedRisk extends RiskFinding {
  reason: string | null;
  acceptedUntil: Date | null;
  /** Who asked for the acceptance and who approved it (null: approval was not required, or before approvals). */
  requestedBy: string | null;
  approvedBy: string | null;
}

export interface ReturnedRisk extends RiskFinding {
  /** When the acceptance ran out and the finding returned to open. */
  expiredAt: Date;
  /** The finding's status now. */
  status: FindingStatus;
}

export interface AcceptedRisks {
  active: AcceptedRisk[];
  activeCount: number;
  returned: ReturnedRisk[];
  returnedCount: number;
}

/**
 * Accepted risks, soonest expiry first, and those whose acceptance ran out (lib/findings/triage.ts
 * expireAcceptedRisks, run by the worker, writes a `risk_expired` event and returns them to open).
 */
export async function acceptedRisks(db: Db, o: TrendScope & { now?: Date; visibility: Visibility }): Promise<AcceptedRisks> {
  const now = o.now ?? new Date();
  const since = new Date(now.getTime() - RETURNED_DAYS * DAY_MS);
  const visibility = o.visibility;
  const [active, activeCount, returned, returnedCount] = await Promise.all([
    db.$queryRaw<AcceptedRisk[]>`
      SELECT f.id, f."severity"::text AS severity, f."message", p."title" AS "policyTitle", f."repositoryId", r."name" AS "repositoryName",
             f."statusReason" AS reason, f."acceptedUntil", x."requestedBy", x."decidedBy" AS "approvedBy"
        FROM "Finding" f
        JOIN "Repository" r ON r.id = f."repositoryId"
        JOIN "Policy" p ON p.id = f."policyId"
        LEFT JOIN "ExceptionRequest" x ON x.id = f."exceptionId"
       WHERE f."status" = 'accepted_risk' ${visibleSql("f", o, visibility)}
       ORDER BY f."acceptedUntil" NULLS LAST, f.id
       LIMIT ${LIST_LIMIT}`,
    db.$queryRaw<
      { n: number }[]
    >`SELECT COALESCE(SUM(f."n"), 0)::int AS n FROM "FindingStatusRollup" f WHERE f."status" = 'accepted_risk' ${visibleSql("f", o, visibility)}`,
    db.$queryRaw<ReturnedRisk[]>`
      SELECT f.id, f."severity"::text AS severity, f."message", p."title" AS "policyTitle", f."repositoryId", r."name" AS "repositoryName",
             e."createdAt" AS "expiredAt", f."status"::text AS status
        FROM "FindingEvent" e
        JOIN "Finding" f ON f.id = e."findingId"
        JOIN "Repository" r ON r.id = f."repositoryId"
        JOIN "Policy" p ON p.id = f."policyId"
       WHERE e."type" = 'risk_expired' AND e."createdAt" >= ${tsSql(since)} ${visibleSql("e", o, visibility)}
       ORDER BY e."createdAt" DESC, e.id
       LIMIT ${LIST_LIMIT}`,
    db.$queryRaw<{ n: number }[]>`
      SELECT COUNT(*)::int AS n FROM "FindingEvent" e
       WHERE e."type" = 'risk_expired' AND e."createdAt" >= ${tsSql(since)} ${visibleSql("e", o, visibility)}`,
  ]);
  return { active, activeCount: activeCount[0]?.n ?? 0, returned, returnedCount: returnedCount[0]?.n ?? 0 };
}

/** Teams for the filter, and the chosen team's repositories (all active ones would be 1,000 options). */
export async function remediationFilterOptions(db: Db, p: RemediationParams, access: AccessScope) {
  const [teams, repositories, chosen] = await Promise.all([
    db.team.findMany({ where: teamAccessWhere(access), orderBy: { name: "asc" }, select: { id: true, name: true } }),
    p.team
      ? db.repository.findMany({
          where: { AND: [{ teamId: p.team, archivedAt: null }, repositoryAccessWhere(access)] },
          orderBy: { name: "asc" },
          select: { id: true, name: true },
        })
      : Promise.resolve([]),
    p.repository
      ? db.repository.findFirst({
          where: { id: p.repository, ...repositoryAccessWhere(access) },
          select: { id: true, name: true, teamId: true },
        })
      : Promise.resolve(null),
  ]);
  return { teams, repositories, chosen };
}
