/**
 * The org-wide rescan schedule's cron expression: one parser for the server's validation (lib/settings.ts)
 * and the settings page, which shows the next runs as the user types. Pure: no database, safe in a browser.
 */
import { CronExpressionParser } from "cron-parser";

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why a cron expression is refused, or null when it is accepted. */
export function cronProblem(cron: string, tz: string): string | null {
  const expr = cron.trim();
  if (!expr) return "a cron expression is required";
  // Five fields only: a seconds field would let a typo rescan the org every second.
  if (expr.split(/\s+/).length !== 5) return "a cron expression has five fields: minute hour day-of-month month day-of-week";
  try {
    CronExpressionParser.parse(expr, { tz: validTimeZone(tz) ? tz : "UTC" });
    return null;
  } catch (e) {
    return `not a valid cron expression (${(e as Error).message})`;
  }
}

/** The next few times the schedule fires, to show what a cron expression means ([] when it is not valid). */
export function nextRuns(cron: string, tz: string, count = 3, from = new Date()): Date[] {
  if (cronProblem(cron, tz)) return [];
  try {
    const it = CronExpressionParser.parse(cron.trim(), { tz, currentDate: from });
    return Array.from({ length: count }, () => it.next().toDate());
  } catch {
    return [];
  }
}
