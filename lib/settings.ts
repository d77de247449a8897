import { z } from "zod";
import { audit, type Actor } from "./audit.ts";
import type { Db, Settings, Severity } from "./db/client.ts";
import { CODE_CONTEXTS } from "./engine/types.ts";
import { normaliseContexts } from "./findings/contexts.ts";
import { OPEN_SET_SQL } from "./findings/status.ts";
import { cronProblem, nextRuns, validTimeZone } from "./schedule.ts";
import { DAY_MS } from "./time.ts";

export { nextRuns };

export async function getSettings(db: Pick<Db, "settings">): Promise<Settings> {
  try {
    return await db.settings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  } catch (e) {
    // Prisma's upsert reads, then inserts: two processes starting on an empty table (two workers) race, and the
    // loser's insert hits the row the winner just made. That row is the answer.
    if ((e as { code?: string }).code === "P2002") return db.settings.findUniqueOrThrow({ where: { id: 1 } });
    throw e;
  }
}

export function slaDays(
  settings: Pick<Settings, "slaCriticalDays" | "slaHighDays" | "slaMediumDays" | "slaLowDays">,
  severity: Severity,
): number {
  return { critical: settings.slaCriticalDays, high: settings.slaHighDays, medium: settings.slaMediumDays, low: settings.slaLowDays }[
    severity
  ];
}

export function dueDate(
  from: Date,
  settings: Pick<Settings, "slaCriticalDays" | "slaHighDays" | "slaMediumDays" | "slaLowDays">,
  severity: Severity,
): Date {
  return new Date(from.getTime() + slaDays(settings, severity) * DAY_MS);
}

const days = z.coerce.number().int().min(1, "at least 1 day").max(3650, "at most 3650 days");
/** A checkbox: a form sends "on" when it is ticked and nothing when not; the API may send a boolean. */
const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean());
/** A form sends one value per ticked box (none: the field is absent). */
const tickedValues = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const settingsInput = z
  .object({
    slaCriticalDays: days,
    slaHighDays: days,
    slaMediumDays: days,
    slaLowDays: days,
    scheduleEnabled: checkbox,
    scheduleCron: z.string().trim().min(1).max(100),
    scheduleTimezone: z.string().trim().min(1).max(64).refine(validTimeZone, "not a known time zone (e.g. UTC, Europe/Berlin)"),
    countedContexts: z.preprocess(
      tickedValues,
      z
        .array(z.enum(CODE_CONTEXTS, { message: `a code context is one of ${CODE_CONTEXTS.join(", ")}` }))
        .max(CODE_CONTEXTS.length * 2)
        .transform(normaliseContexts),
    ),
  })
  .superRefine((s, ctx) => {
    const problem = cronProblem(s.scheduleCron, s.scheduleTimezone);
    if (problem) ctx.addIssue({ code: "custom", path: ["scheduleCron"], message: problem });
    const order = [s.slaCriticalDays, s.slaHighDays, s.slaMediumDays, s.slaLowDays];
    if (order.some((d, i) => i > 0 && d < order[i - 1]!))
      ctx.addIssue({
        code: "custom",
        path: ["slaHighDays"],
        message: "a more severe finding cannot have a longer SLA than a less severe one",
      });
  });
export type SettingsInput = z.infer<typeof settingsInput>;

const SEVERITY_LIST = ["critical", "high", "medium", "low"] as const;
const severities = z.preprocess(
  tickedValues,
  z
    .array(z.enum(SEVERITY_LIST))
    .max(8)
    .transform((xs) => SEVERITY_LIST.filter((s) => xs.includes(s))),
);

/** Issue 16 §2: how exceptions are governed (lib/findings/exceptions.ts). */
export const exceptionSettingsInput = z
  .object({
    riskMaxCriticalDays: days,
    riskMaxHighDays: days,
    riskMaxMediumDays: days,
    riskMaxLowDays: days,
    approveAcceptedRisk: severities,
    approveFalsePositive: severities,
    riskExpiryRestartsSla: checkbox,
  })
  .strict();
export type ExceptionSettingsInput = z.infer<typeof exceptionSettingsInput>;

export async function updateExceptionSettings(db: Db, actor: Actor, input: ExceptionSettingsInput): Promise<Settings> {
  return db.$transaction(async (tx) => {
    const before = await getSettings(tx);
    const settings = await tx.settings.update({ where: { id: 1 }, data: input });
    const pick = (s: Settings) => ({
      riskMaxCriticalDays: s.riskMaxCriticalDays,
      riskMaxHighDays: s.riskMaxHighDays,
      riskMaxMediumDays: s.riskMaxMediumDays,
      riskMaxLowDays: s.riskMaxLowDays,
      approveAcceptedRisk: s.approveAcceptedRisk,
      approveFalsePositive: s.approveFalsePositive,
      riskExpiryRestartsSla: s.riskExpiryRestartsSla,
    });
    await audit(tx, actor, {
      action: "settings.exceptions",
      targetType: "settings",
      targetId: "1",
      before: pick(before),
      after: pick(settings),
    });
    return settings;
  });
}

/**
 * Saves settings. A changed SLA moves the due dates of findings still open, so "overdue" always means the
 * SLA in force; fixed and closed findings keep theirs.
 */
export async function updateSettings(db: Db, actor: Actor, input: SettingsInput): Promise<{ settings: Settings; dueDatesMoved: number }> {
  return db.$transaction(async (tx) => {
    const before = await getSettings(tx);
    const settings = await tx.settings.update({ where: { id: 1 }, data: input });
    let moved = 0;
    for (const sev of ["critical", "high", "medium", "low"] as const) {
      const d = slaDays(settings, sev);
      if (d === slaDays(before, sev)) continue;
      moved +=
        await tx.$executeRaw`UPDATE "Finding" SET "dueAt" = "firstSeenAt" + make_interval(days => ${d}::int) WHERE severity = ${sev}::"Severity" AND status IN ${OPEN_SET_SQL}`;
    }
    const pick = (s: Settings) => ({
      slaCriticalDays: s.slaCriticalDays,
      slaHighDays: s.slaHighDays,
      slaMediumDays: s.slaMediumDays,
      slaLowDays: s.slaLowDays,
      scheduleEnabled: s.scheduleEnabled,
      scheduleCron: s.scheduleCron,
      scheduleTimezone: s.scheduleTimezone,
      countedContexts: s.countedContexts,
    });
    await audit(tx, actor, {
      action: "settings.update",
      targetType: "settings",
      targetId: "1",
      before: pick(before),
      after: pick(settings),
    });
    return { settings, dueDatesMoved: moved };
  });
}

/**
 * Issue 16 §3: severities whose in-code suppressions scans do not honour. Applies from each repository's next
 * scan (a changed setting makes an unchanged commit scan again, lib/scan/pipeline.ts); such findings stay open.
 */
export const suppressionSettingsInput = z.object({ refuseSuppressions: severities }).strict();
export type SuppressionSettingsInput = z.infer<typeof suppressionSettingsInput>;

export async function updateSuppressionSettings(db: Db, actor: Actor, input: SuppressionSettingsInput): Promise<Settings> {
  return db.$transaction(async (tx) => {
    const before = await getSettings(tx);
    const settings = await tx.settings.update({ where: { id: 1 }, data: { refuseSuppressions: input.refuseSuppressions } });
    await audit(tx, actor, {
      action: "settings.suppressions",
      targetType: "settings",
      targetId: "1",
      before: { refuseSuppressions: before.refuseSuppressions },
      after: { refuseSuppressions: settings.refuseSuppressions },
    });
    return settings;
  });
}
