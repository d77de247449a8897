/** The audit log: who did what, when, from where, and the state before and after. */
import { z } from "zod";
import type { Db, Prisma } from "./db/client.ts";
import { DAY_MS } from "./time.ts";

export interface Actor {
  id: string | null;
  /** An email, a token name, or "system". */
  label: string;
  ip?: string | null;
}

export const SYSTEM: Actor = { id: null, label: "system" };

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

type Writer = Pick<Db, "auditLog"> | Prisma.TransactionClient;

/** Writes one entry; pass the transaction client so the entry commits (or not) with the change it records. */
export async function audit(db: Writer, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actorId: actor.id,
      actorLabel: actor.label,
      ip: actor.ip ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: entry.before === undefined ? undefined : (JSON.parse(JSON.stringify(entry.before)) as Prisma.InputJsonValue),
      after: entry.after === undefined ? undefined : (JSON.parse(JSON.stringify(entry.after)) as Prisma.InputJsonValue),
    },
  });
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");

/** The audit log viewer's filters, parsed from the URL (anything invalid is dropped, not an error page). */
export const auditFilters = z.object({
  actor: z.string().trim().max(254).optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  target: z.string().trim().max(100).optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type AuditFilters = z.infer<typeof auditFilters>;
export const AUDIT_PAGE_SIZE = 50;

export async function listAudit(db: Db, f: AuditFilters) {
  const where: Prisma.AuditLogWhereInput = {};
  if (f.actor) where.actorLabel = { contains: f.actor, mode: "insensitive" };
  if (f.action) where.action = { startsWith: f.action };
  if (f.target) where.OR = [{ targetType: f.target }, { targetId: f.target }];
  if (f.from || f.to)
    where.createdAt = {
      ...(f.from ? { gte: new Date(`${f.from}T00:00:00Z`) } : {}),
      ...(f.to ? { lt: new Date(new Date(`${f.to}T00:00:00Z`).getTime() + DAY_MS) } : {}),
    };
  const rows = await db.auditLog.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (f.page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE + 1,
  });
  const actions = await db.auditLog.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } });
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE, actions: actions.map((a) => a.action) };
}
