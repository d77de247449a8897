/**
 * Lifecycle trends: how many findings were open on each day, computed in SQL from the finding lifecycle, never
 * from counters.
 *
 * Definition: a finding is open on day D (UTC) if, at the end of D, it had been first seen and was not fixed,
 * false positive or accepted risk; "open" is the set {open, in_progress, reopened} (OPEN_STATUSES). Every status
 * change writes a FindingEvent with fromStatus/toStatus (lib/scan/persist.ts: detected → open, fixed, reopened;
 * lib/findings/triage.ts: status_changed, risk_expired), so each event that crosses between the open set and
 * the closed set is a +1 or −1 for its finding, and a finding that goes open → fixed → reopened → fixed simply
 * contributes +1 −1 +1 −1: reopen cycles need no special case.
 *
 * Counted backwards from today: open(D) = open now − Σ crossings after D, a cumulative window sum in SQL.
 * "Open now" is the findings' current status (one indexed aggregate) and only the events inside the window are
 * read, so a 90-day trend costs the same whether the history is 180 days or ten years; dashboards may reuse
 * the past days' crossings for a few minutes (`reusePast`, PAST_TTL_MS) while today's are always read live. Events carry their finding's severity, repository and
 * check (denormalised, see prisma/schema.prisma), so no join with the findings table is needed. A finding counts
 * under its current severity and context; only visible findings count (lib/findings/visibility.ts: disabled checks,
 * archived repositories and uncounted code contexts are left out), as everywhere in the dashboard.
 */
import { Prisma, type Db } from "../db/client.ts";
import { SEVERITIES, type Severity } from "../engine/types.ts";
import { OPEN_SET_SQL } from "../findings/status.ts";
import { visibleSql, type FindingScope, type Visibility } from "../findings/visibility.ts";

/** Which findings: all, one repository's, or one team's. */
export type TrendScope = FindingScope;

export interface TrendOptions extends TrendScope {
  /** Number of days, ending today (UTC) inclusive. */
  days: number;
  /** "Now", for tests; defaults to the current time. */
  now?: Date;
}

export type SeverityCounts = Record<Severity, number>;

export interface TrendDay extends SeverityCounts {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** Open at the end of the day. */
  total: number;
  /** Findings that entered the open set that day (first detection, reopen, triage back to open, expired risk). */
  opened: number;
  /** Findings that left the open set that day (fixed, false positive, accepted risk). */
  closed: number;
  /** First detections. */
  detected: number;
  /** Open findings a scan found gone. */
  fixed: number;
}

export { OPEN_SET_SQL };

export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
}

interface Row {
  day: string;
  severity: Severity;
  open: number;
  opened: number;
  closed: number;
  detected: number;
  fixed: number;
}

interface Flow {
  day: string;
  severity: string;
  net: number;
  opened: number;
  closed: number;
  detected: number;
  fixed: number;
}

/**
 * The crossings of the open set per (day, severity) for events from `from` (inclusive) to `before`
 * (exclusive; null: no end). createdAt is a UTC timestamp without time zone, so ::date is the UTC day; events
 * stamped after today (clock skew) are folded into today, as they are already part of the current status.
 */
function flowsSql(from: string, before: string | null, today: string, scope: TrendScope, visibility: Visibility): Prisma.Sql {
  return Prisma.sql`
    SELECT to_char(LEAST(e."createdAt"::date, ${today}::date), 'YYYY-MM-DD') AS day, e."severity"::text AS severity,
           SUM(x.d)::int AS net,
           COUNT(*) FILTER (WHERE x.d > 0)::int AS opened,
           COUNT(*) FILTER (WHERE x.d < 0)::int AS closed,
           COUNT(*) FILTER (WHERE e."type" = 'detected')::int AS detected,
           COUNT(*) FILTER (WHERE e."type" = 'fixed')::int AS fixed
      FROM "FindingEvent" e
      CROSS JOIN LATERAL (
        SELECT (e."toStatus" IS NOT NULL AND e."toStatus" IN ${OPEN_SET_SQL})::int
             - (e."fromStatus" IS NOT NULL AND e."fromStatus" IN ${OPEN_SET_SQL})::int AS d
      ) x
     WHERE e."createdAt" >= ${from}::date ${before ? Prisma.sql`AND e."createdAt" < ${before}::date` : Prisma.empty}
       AND x.d <> 0 AND e."severity" IS NOT NULL ${visibleSql("e", scope, visibility)}
     GROUP BY 1, 2`;
}

/**
 * Past days' flows change only when past events do (a rulebook re-grading a check, a repository deleted) or
 * the filters do (a check disabled, a repository archived, the counted contexts: all part of the key), so a dashboard may reuse
 * them for a few minutes; today's events and the current status are always read live, so the latest figures
 * are exact and only a re-grading, a rescan changing a finding's context or a deletion can show late, for at most PAST_TTL_MS.
 */
export const PAST_TTL_MS = 5 * 60_000;
const pastCache = new WeakMap<Db, Map<string, { expires: number; flows: Promise<Flow[]> }>>();

async function pastFlows(db: Db, first: string, today: string, scope: TrendScope, visibility: Visibility): Promise<Flow[]> {
  const archived = scope.repositoryId
    ? []
    : (await db.repository.findMany({ where: { archivedAt: { not: null } }, select: { id: true }, orderBy: { id: "asc" } })).map(
        (r) => r.id,
      );
  const key = JSON.stringify([
    first,
    today,
    scope.repositoryId ?? null,
    scope.teamId ?? null,
    visibility.disabledChecks,
    visibility.contexts,
    visibility.access,
    archived,
  ]);
  let cache = pastCache.get(db);
  if (!cache) pastCache.set(db, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.flows;
  for (const [k, v] of cache) if (v.expires <= now || cache.size > 200) cache.delete(k);
  // A real promise (Prisma's are lazy thenables), so every waiting request shares one execution.
  const flows: Promise<Flow[]> = Promise.resolve(db.$queryRaw<Flow[]>(flowsSql(first, today, today, scope, visibility)));
  cache.set(key, { expires: now + PAST_TTL_MS, flows });
  flows.catch(() => cache.delete(key));
  return flows;
}

/**
 * Open findings by severity at the end of each of the last `days` days (oldest first, today last), with the
 * day's flows. One statement; see the module comment for how it is counted. With `reusePast`, the flows of
 * days before today may come from a recent identical call (see PAST_TTL_MS): for org-wide and team dashboards
 * read by many; a single repository's trend is cheap enough to always count in full.
 */
export async function openTrend(db: Db, opts: TrendOptions & { visibility: Visibility; reusePast?: boolean }): Promise<TrendDay[]> {
  const days = Math.max(1, Math.min(3650, Math.floor(opts.days)));
  const today = utcDay(opts.now ?? new Date());
  const first = addDays(today, -(days - 1));
  const visibility = opts.visibility;
  const scope: TrendScope = { repositoryId: opts.repositoryId, teamId: opts.teamId };
  const past = opts.reusePast && days > 1 ? await pastFlows(db, first, today, scope, visibility) : null;
  const flows = past
    ? Prisma.sql`
        SELECT * FROM unnest(${past.map((f) => f.day)}::text[], ${past.map((f) => f.severity)}::text[], ${past.map((f) => f.net)}::int[], ${past.map((f) => f.opened)}::int[],
                             ${past.map((f) => f.closed)}::int[], ${past.map((f) => f.detected)}::int[], ${past.map((f) => f.fixed)}::int[])
                   AS p(day, severity, net, opened, closed, detected, fixed)
        UNION ALL ${flowsSql(today, null, today, scope, visibility)}`
    : flowsSql(first, null, today, scope, visibility);

  const rows = await db.$queryRaw<Row[]>`
    WITH ev AS (${flows}),
    cur AS (
      SELECT f."severity"::text AS severity, COUNT(*)::int AS n
        FROM "Finding" f
       WHERE f."status" IN ${OPEN_SET_SQL} ${visibleSql("f", scope, visibility)}
       GROUP BY 1
    )
    SELECT g.day, s.severity,
           (COALESCE(cur.n, 0) - COALESCE(SUM(ev.net) OVER (PARTITION BY s.severity ORDER BY g.day DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::int AS open,
           COALESCE(ev.opened, 0) AS opened, COALESCE(ev.closed, 0) AS closed,
           COALESCE(ev.detected, 0) AS detected, COALESCE(ev.fixed, 0) AS fixed
      FROM generate_series(${first}::date, ${today}::date, interval '1 day') AS g0(ts)
      CROSS JOIN LATERAL (SELECT to_char(g0.ts, 'YYYY-MM-DD') AS day) g
      CROSS JOIN unnest(${[...SEVERITIES]}::text[]) AS s(severity)
      LEFT JOIN ev ON ev.day = g.day AND ev.severity = s.severity
      LEFT JOIN cur ON cur.severity = s.severity
     ORDER BY 1`;

  const byDay = new Map<string, TrendDay>();
  for (const r of rows) {
    let d = byDay.get(r.day);
    if (!d)
      byDay.set(
        r.day,
        (d = { day: r.day, critical: 0, high: 0, medium: 0, low: 0, total: 0, opened: 0, closed: 0, detected: 0, fixed: 0 }),
      );
    d[r.severity] = r.open;
    d.total += r.open;
    d.opened += r.opened;
    d.closed += r.closed;
    d.detected += r.detected;
    d.fixed += r.fixed;
  }
  return [...byDay.values()];
}

export interface TrendWeek {
  /** Monday of the week (YYYY-MM-DD); the first week may be partial. */
  week: string;
  /** Open at the end of the week's last day in the window. */
  open: number;
  opened: number;
  closed: number;
}

/** Folds a daily trend into ISO weeks: for a burndown, open at the end of each week with the week's flows. */
export function weekly(days: TrendDay[]): TrendWeek[] {
  const weeks = new Map<string, TrendWeek>();
  for (const d of days) {
    const date = new Date(`${d.day}T00:00:00Z`);
    const monday = addDays(d.day, -((date.getUTCDay() + 6) % 7));
    const w = weeks.get(monday) ?? { week: monday, open: 0, opened: 0, closed: 0 };
    w.open = d.total;
    w.opened += d.opened;
    w.closed += d.closed;
    weeks.set(monday, w);
  }
  return [...weeks.values()];
}
