import type { Db, Settings, Severity } from "./db/client.ts";

export async function getSettings(db: Pick<Db, "settings">): Promise<Settings> {
  return db.settings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
}

export function slaDays(settings: Settings, severity: Severity): number {
  return { critical: settings.slaCriticalDays, high: settings.slaHighDays, medium: settings.slaMediumDays, low: settings.slaLowDays }[severity];
}

export function dueDate(from: Date, settings: Settings, severity: Severity): Date {
  return new Date(from.getTime() + slaDays(settings, severity) * 86_400_000);
}
