/** The audit log: who did what, when, from where, and the state before and after. */
import type { Db, Prisma } from "./db/client.ts";

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
