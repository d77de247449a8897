import "server-only";
import type { Actor } from "../audit.ts";
import { authorize, type SignedInUser } from "../auth/guard.ts";
import type { Action } from "../auth/permissions.ts";
import { toErrorResponse } from "../api/http.ts";
import { actorFor, currentUser } from "./session.ts";

type Handler<C> = (ctx: { req: Request; user: SignedInUser; actor: Actor; params: C }) => Promise<Response>;

/**
 * A route handler for the dashboard itself (downloads, progress polling), authenticated by the session
 * cookie rather than an API token. State-changing methods are also covered by the Origin check in proxy.ts.
 */
export function sessionRoute<C = Record<string, never>>(action: Action, handler: Handler<C>) {
  return async (req: Request, routeCtx?: { params?: Promise<C> }): Promise<Response> => {
    try {
      const user = authorize(await currentUser(), action);
      const params = ((await routeCtx?.params) ?? {}) as C;
      return await handler({ req, user, actor: await actorFor(user), params });
    } catch (e) {
      return toErrorResponse(e);
    }
  };
}
