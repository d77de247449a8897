/**
 * Lifecycle trends: how many findings were open on each day, from the daily rollups of the finding lifecycle
 * (lib/rollups/), never from counters kept by hand.
 *
 * Definition: a finding is open on day D (UTC) if, at the end of D, it had been first seen and was not fixed,
 * false positive or accepted risk; "open" is the set {open, in_progress, reopened} (OPEN_STATUSES). Every status
 * change writes a FindingEvent with fromStatus/toStatus (lib/scan/persist.ts: detected → open, fixed, reopened;
 * lib/findings/triage.ts: status_changed, risk_expired), so each event that crosses between the open set and
 * the closed set is a +1 or −1 for its finding, and a finding that goes open → fixed → reopened → fixed simply
 * contributes +1 −1 +1 −1: reopen cycles need no special case. The database sums those crossings per day,
 * repository, check, severity and context as they are written (FindingDayRollup), and keeps the findings now
 * per status (FindingStatusRollup).
 *
 * Counted backwards from today: open(D) = open now − Σ crossings after D, a cumulative window sum in SQL over
 * the window's rollup rows, so a 90-day trend costs the same whether the history is 180 days or ten years.
 * A finding counts under its current severity and context (its events follow them, and the rollups follow its
 * events); only visible findings count (lib/findings/visibility.ts: disabled checks, archived repositories and
 * uncounted code contexts are left out when the rollups are read, which their check, repository and context
 * dimensions allow), as everywhere in the dashboard.
 */
import type { Db } from "../db/client.ts";
import { SEVERITIES, type Severity } from "../engine/types.ts";
import { OPEN_SET_SQL } from "../findings/status.ts";
import { visibleSql, type FindingScope, type Visibility } from "../findings/visibility.ts";
import { dayRowsSql } from "../rollups/days.ts";
import { DAY_MS } from "../time.ts";

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
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
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

/**
 * Open findings by severity at the end of each of the last `days` days (oldest first, today last), with the
 * day's flows. One statement over the window's rollup rows and the status rollup; see the module comment.
 * Events stamped after today (clock skew) are folded into today, as they are already part of the current status.
 */
export async function openTrend(
  db: Db,
  opts: TrendOptions & {
    visibility: Visibility;
    /** Accepted for callers written before the rollups; the past days are read from them, so nothing is reused. */
    reusePast?: boolean;
  },
): Promise<TrendDay[]> {
  const days = Math.max(1, Math.min(3650, Math.floor(opts.days)));
  const today = utcDay(opts.now ?? new Date());
  const first = addDays(today, -(days - 1));
  const visibility = opts.visibility;
  const scope: TrendScope = { repositoryId: opts.repositoryId, teamId: opts.teamId };

  const rows = await db.$queryRaw<Row[]>`
    WITH ev AS (
      SELECT to_char(LEAST(r."day", ${today}::date), 'YYYY-MM-DD') AS day, r."severity"::text AS severity,
             SUM(r.sign * (r."opened" - r."closed"))::int AS net, SUM(r.sign * r."opened")::int AS opened,
             SUM(r.sign * r."closed")::int AS closed, SUM(r.sign * r."detected")::int AS detected, SUM(r.sign * r."fixed")::int AS fixed
        FROM (${dayRowsSql(first, scope, visibility)}) r
       GROUP BY 1, 2
    ),
    cur AS (
      SELECT s."severity"::text AS severity, SUM(s."n")::int AS n
        FROM "FindingStatusRollup" s
       WHERE s."status" IN ${OPEN_SET_SQL} ${visibleSql("s", scope, visibility)}
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
