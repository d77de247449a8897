/** A day in milliseconds: SLA and expiry days, date ranges and the demo's timeline all count whole UTC days of it. */
export const DAY_MS = 86_400_000;
