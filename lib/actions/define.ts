/**
 * Every write the dashboard makes is an ActionDef: the permission it needs, a zod schema for its input, and
 * an implementation over the database. Server actions (app/**\/actions.ts) are thin calls to `perform`, and
 * test/authz-matrix.test.ts walks every definition with every role. Nothing here imports Next.
 */
import type { z } from "zod";
import type { Actor } from "../audit.ts";
import { authorize, type SignedInUser } from "../auth/guard.ts";
import type { Action } from "../auth/permissions.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/client.ts";
import { QueueUnavailableError, type Queues } from "../queue/queues.ts";
import { safeText } from "../security/text.ts";
import { DomainError, errorIsShown, logUnexpected } from "../errors.ts";

export interface ActionContext {
  db: Db;
  user: SignedInUser;
  actor: Actor;
  /** The scan queues, opened only by actions that enqueue. */
  queues: () => Queues;
}

export interface ActionDef<S extends z.ZodType = z.ZodType, R = unknown> {
  name: string;
  permission: Action;
  input: S;
  run(ctx: ActionContext, input: z.infer<S>): Promise<R>;
}

export function defineAction<S extends z.ZodType, R>(def: ActionDef<S, R>): ActionDef<S, R> {
  return def;
}

/** What a form shows after an action: never a stack trace, SQL or a path. */
export type ActionResult<R = unknown> = { ok: true; data: R; message?: string } | { ok: false; error: string; field?: string };

/** A failure the user caused and can fix; its message is safe to show. */
export class ActionError extends DomainError {
  constructor(message: string, field?: string) {
    super("invalid_input", message, { field });
  }
}

/**
 * Actions' one mapping of errors to form state: a DomainError's message (and the field it is about), a row
 * gone since the page was loaded, or a generic failure with the details in the server log only.
 */
export function describeError(e: unknown): { error: string; field?: string } {
  if (errorIsShown(e)) return e.field ? { error: e.message, field: e.field } : { error: e.message };
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2025") return { error: "it no longer exists (reload the page)" };
  logUnexpected("action error", e);
  return { error: "something went wrong on the server; nothing was changed" };
}

/**
 * Authorises, validates and runs; permission is checked before the input is even looked at, and text no
 * query could hold (NUL, unpaired surrogates) is refused with the schema's own errors.
 */
export async function runAs<S extends z.ZodType, R>(
  def: ActionDef<S, R>,
  ctx: { db: Db; user: SignedInUser | null; actor?: Actor; queues?: () => Queues },
  raw: unknown,
): Promise<ActionResult<R>> {
  try {
    const user = authorize(ctx.user, def.permission);
    const parsed = safeText(def.input).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join(".");
      return { ok: false, error: field ? `${field}: ${issue.message}` : issue.message, field: field || undefined };
    }
    const actor = ctx.actor ?? { id: user.id, label: user.email };
    const queues =
      ctx.queues ??
      (() => {
        throw new QueueUnavailableError();
      });
    return { ok: true, data: await def.run({ db: ctx.db, user, actor, queues }, parsed.data) };
  } catch (e) {
    return { ok: false, ...describeError(e) };
  }
}

/** FormData to a plain object; repeated keys (checkboxes) become arrays. */
export function formToObject(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v !== "string" || k.startsWith("$ACTION")) continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
