import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "../audit.ts";
import { AccessDenied, authorize, safeNextPath, type SignedInUser } from "../auth/guard.ts";
import { clientView, type ClientView } from "../security/forwarded.ts";
import { RETURN_TO_HEADER } from "../security/headers.ts";
import type { Action } from "../auth/permissions.ts";
import { SESSION_COOKIE, verifySession } from "../auth/sessions.ts";
import { loadVisibility, NO_ACCESS, repositoryInScope, type Visibility } from "../findings/visibility.ts";
import { getDb } from "./context.ts";

/**
 * The signed-in user for this request (one lookup per request however many components ask). A request that
 * carries an Authorization header is an API client's, never a browser session's: its cookie is ignored, so a
 * junk bearer header (which browsers never add cross-site without CORS, but which scripts can) cannot pair a
 * victim's cookie with an exemption from the Origin check.
 */
export const currentSession = cache(async () => {
  if ((await headers()).has("authorization")) return null;
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return verifySession(getDb(), token);
});

export async function currentUser(): Promise<SignedInUser | null> {
  return (await currentSession())?.user ?? null;
}

/** What this request may be believed to say about its client (lib/security/forwarded.ts). */
export async function requestClient(): Promise<ClientView> {
  return clientView(await headers());
}

export async function requestIp(): Promise<string | null> {
  return (await requestClient()).ip;
}

export async function actorFor(user: SignedInUser): Promise<Actor> {
  return { id: user.id, label: user.email, ip: await requestIp() };
}

/** For pages: the user, or a redirect to sign-in (coming back here afterwards), or the 403 page. */
export async function requirePage(action: Action, returnTo?: string): Promise<SignedInUser> {
  try {
    return authorize(await currentUser(), action);
  } catch (e) {
    if (e instanceof AccessDenied && e.reason === "unauthenticated") {
      const back = safeNextPath((await headers()).get(RETURN_TO_HEADER) ?? returnTo);
      redirect(`/login?next=${encodeURIComponent(back)}`);
    }
    if (e instanceof AccessDenied) forbidden();
    throw e;
  }
}

/**
 * What this request's reader counts and may see (lib/findings/visibility.ts), once per request. Without a
 * signed-in user it is nothing: pages authorise first anyway, so this only matters if one forgot to.
 */
export const requestVisibility = cache(
  async (): Promise<Visibility> => loadVisibility(getDb(), (await currentUser())?.access ?? NO_ACCESS),
);

/**
 * For pages of one repository (app/(dashboard)/repositories/[id]/**): requirePage, and the 404 page when the
 * repository is not in the user's scope, exactly as for an unknown id. test/authz-matrix.test.ts checks every
 * such page starts with it.
 */
export async function requireRepositoryPage(action: Action, repositoryId: string, returnTo: string): Promise<SignedInUser> {
  const user = await requirePage(action, returnTo);
  if (!(await repositoryInScope(getDb(), user.access, repositoryId))) notFound();
  return user;
}
