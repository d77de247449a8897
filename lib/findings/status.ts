/**
 * A finding's statuses and which of them are "open" (still need work): the one definition behind the findings
 * table's default and its overdue flag, the posture figures, trends, remediation, SLA moves and the forges'
 * reports. Written as a TS list, a type guard and the SQL forms the aggregates use, all derived from one list
 * so they cannot drift (test/findings/status.test.ts checks the SQL forms select exactly the list).
 */
import { Prisma, type FindingStatus } from "../db/client.ts";

export const FINDING_STATUSES = ["open", "in_progress", "fixed", "false_positive", "accepted_risk", "reopened"] as const;
/** Statuses that still need work: everything but fixed, false positive and accepted risk. */
export const OPEN_STATUSES = ["open", "in_progress", "reopened"] as const;
export type OpenStatus = (typeof OPEN_STATUSES)[number];

export function isOpenStatus(status: FindingStatus | string): status is OpenStatus {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/** How many of `counts` are open, for aggregates counted per status. */
export function openCount(counts: Record<OpenStatus, number>): number {
  return OPEN_STATUSES.reduce((n, s) => n + counts[s], 0);
}

/** `ARRAY[...]::"FindingStatus"[]`, for `status = ANY(${OPEN_STATUS_ARRAY_SQL})`. */
export const OPEN_STATUS_ARRAY_SQL = Prisma.raw(`ARRAY[${OPEN_STATUSES.map((s) => `'${s}'`).join(",")}]::"FindingStatus"[]`);

/** `('open', ...)`, for `status IN ${OPEN_SET_SQL}`. The list is constant, so inlining it is safe. */
export const OPEN_SET_SQL = Prisma.raw(`(${OPEN_STATUSES.map((s) => `'${s}'`).join(", ")})`);
