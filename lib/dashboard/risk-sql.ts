/** Weighted risk in SQL, with the weights of ./risk.ts (kept apart: that file is imported by client components). */
import { Prisma } from "../db/client.ts";
import { SEVERITY_WEIGHTS } from "./risk.ts";

/** The weight of one row's severity, from a column holding a Severity. */
export function weightSql(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(CASE ${column} WHEN 'critical' THEN ${SEVERITY_WEIGHTS.critical}::int WHEN 'high' THEN ${SEVERITY_WEIGHTS.high}::int WHEN 'medium' THEN ${SEVERITY_WEIGHTS.medium}::int ELSE ${SEVERITY_WEIGHTS.low}::int END)`;
}

/** The weighted sum of per-severity count columns named `<prefix>critical`, `<prefix>high`, … */
export function weightedCountsSql(prefix = ""): Prisma.Sql {
  const c = (s: keyof typeof SEVERITY_WEIGHTS) => Prisma.sql`${Prisma.raw(`${prefix}${s}`)} * ${SEVERITY_WEIGHTS[s]}`;
  return Prisma.sql`(${c("critical")} + ${c("high")} + ${c("medium")} + ${c("low")})`;
}
