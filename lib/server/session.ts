import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "../audit.ts";
import { AccessDenied, authorize, safeNextPath, type SignedInUser } from "../auth/guard.ts";
import { RETURN_TO_HEADER } from "../security/headers.ts";
import type { Action } from "../auth/permissions.ts";
import { SESSION_COOKIE, verifySession } from "../auth/sessions.ts";
import { getDb } from "./context.ts";

/** The signed-in user for this request (one lookup per request however many components ask). */
export const currentSession = cache(async () => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return verifySession(getDb(), token);
});

export async function currentUser(): Promise<SignedInUser | null> {
  return (await currentSession())?.user ?? null;
}

/**
 * Route handlers and server actions cannot see the socket, and a client can send any X-Forwarded-For, so the
 * address is only believed behind a proxy the operator vouches for (POSTURE_TRUSTED_PROXY=1).
 */
export async function requestIp(): Promise<string | null> {
  if (process.env.POSTURE_TRUSTED_PROXY !== "1") return null;
  return (await headers()).get("x-forwarded-for")?.split(",")[0]?.trim().slice(0, 64) || null;
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
