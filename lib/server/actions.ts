import "server-only";
import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { formToObject, runAs, type ActionDef, type ActionResult } from "../actions/define.ts";
import { invalidateDashboard } from "../dashboard/cache.ts";
import { getDashboardCache, getDb, getQueues } from "./context.ts";
import { actorFor, currentUser } from "./session.ts";

/**
 * The body of every server action: the signed-in user performs `def` with `input`. A change also makes the
 * shared dashboard cache stale at once: the database's change notice reaches every process a moment later, but
 * the page this action re-renders must already show it to the user who made it.
 */
export async function perform<S extends z.ZodType, R>(def: ActionDef<S, R>, input: unknown): Promise<ActionResult<R>> {
  const user = await currentUser();
  const r = await runAs(def, { db: getDb(), user, actor: user ? await actorFor(user) : undefined, queues: getQueues }, input);
  if (r.ok) await invalidateDashboard(getDashboardCache()).catch(() => undefined);
  return r;
}

/** What must be rendered afresh after a form's action: a page, or a route pattern (`/repositories/[id]`) as a page or a layout and everything under it. */
type Stale = string | { path: string; type: "page" | "layout" };

/**
 * A form's server action (for useActionState): the signed-in user performs `def` with the form's fields; on
 * success the pages in `stale` are revalidated (`always`: even on a refusal, as a check that is itself a use)
 * and `message`, if given, is what the form says.
 */
export function formAction<S extends z.ZodType, R>(
  def: ActionDef<S, R>,
  stale: Stale | Stale[],
  opts: { message?: string; always?: boolean } = {},
): (prev: ActionResult<unknown> | null, form: FormData) => Promise<ActionResult<R>> {
  return async (_prev, form) => {
    const r = await perform(def, formToObject(form));
    if (r.ok || opts.always) for (const s of [stale].flat()) typeof s === "string" ? revalidatePath(s) : revalidatePath(s.path, s.type);
    return r.ok && opts.message ? { ...r, message: opts.message } : r;
  };
}
