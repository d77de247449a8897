import "server-only";
import type { z } from "zod";
import { runAs, type ActionDef, type ActionResult } from "../actions/define.ts";
import { getDb, getQueues } from "./context.ts";
import { actorFor, currentUser } from "./session.ts";

/** The body of every server action: the signed-in user performs `def` with `input`. */
export async function perform<S extends z.ZodType, R>(def: ActionDef<S, R>, input: unknown): Promise<ActionResult<R>> {
  const user = await currentUser();
  return runAs(def, { db: getDb(), user, actor: user ? await actorFor(user) : undefined, queues: getQueues }, input);
}
