import { z } from "zod";
import type { Db, Prisma } from "../db/client.ts";
import { frameworkToDb } from "../catalogue.ts";
import { FRAMEWORKS, SEVERITIES } from "../engine/types.ts";

export const FINDING_STATUSES = ["open", "in_progress", "fixed", "false_positive", "accepted_risk", "reopened"] as const;
/** Statuses that still need work. */
export const OPEN_STATUSES = ["open", "in_progress", "reopened"] as const;

const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

export const findingFilters = z
  .object({
    repository: z.string().min(1).max(64).optional(),
    team: z.string().min(1).max(64).optional(),
    policy: z.string().min(1).max(200).optional(),
    check: z.string().min(1).max(200).optional(),
    framework: list(FRAMEWORKS).optional(),
    severity: list(SEVERITIES).optional(),
    status: list(FINDING_STATUSES).optional(),
    /** A user id, "me", or "none". */
    assignee: z.string().min(1).max(64).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export type FindingFilters = z.infer<typeof findingFilters>;

export function findingWhere(f: Omit<FindingFilters, "cursor" | "limit">, me?: string): Prisma.FindingWhereInput {
  const where: Prisma.FindingWhereInput = { check: { enabled: true } };
  if (f.repository) where.repositoryId = f.repository;
  if (f.team) where.repository = { teamId: f.team };
  if (f.policy) where.policyId = f.policy;
  if (f.check) where.checkId = f.check;
  if (f.framework) where.framework = { in: f.framework.map(frameworkToDb) };
  if (f.severity) where.severity = { in: f.severity };
  if (f.status) where.status = { in: f.status };
  if (f.assignee) where.assigneeId = f.assignee === "none" ? null : f.assignee === "me" ? (me ?? "\0") : f.assignee;
  return where;
}

function encodeCursor(firstSeenAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([firstSeenAt.toISOString(), id])).toString("base64url");
}

export class BadCursorError extends Error {}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    const date = new Date(at);
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error();
    return { at: date, id };
  } catch {
    throw new BadCursorError("the cursor is not valid");
  }
}

/** Newest first, keyset-paginated: stable while findings are added. */
export async function listFindings(db: Db, filters: FindingFilters, me?: string) {
  const where = findingWhere(filters, me);
  if (filters.cursor) {
    const c = decodeCursor(filters.cursor);
    where.AND = [{ OR: [{ firstSeenAt: { lt: c.at } }, { firstSeenAt: c.at, id: { lt: c.id } }] }];
  }
  const rows = await db.finding.findMany({
    where,
    orderBy: [{ firstSeenAt: "desc" }, { id: "desc" }],
    take: filters.limit + 1,
    include: { repository: { select: { id: true, name: true } }, assignee: { select: { id: true, name: true, email: true } } },
  });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > filters.limit && last ? encodeCursor(last.firstSeenAt, last.id) : null };
}
