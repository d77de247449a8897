"use server";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/auth/guard.ts";
import { DEVICE_COOKIE, deviceCookieOptions, login } from "@/lib/auth/login.ts";
import { signOutEverywhere as endEverywhere, revokeSession, SESSION_ABSOLUTE_MS, SESSION_COOKIE } from "@/lib/auth/sessions.ts";
import { getDb, getRedis } from "@/lib/server/context.ts";
import { currentSession, requestClient, requestIp } from "@/lib/server/session.ts";

export interface LoginState {
  error?: string;
  email?: string;
}

async function secureCookies(): Promise<boolean> {
  return (await requestClient()).https;
}

export async function signIn(_prev: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get("email") ?? "").slice(0, 254);
  const jar = await cookies();
  let result;
  try {
    result = await login(
      getDb(),
      getRedis(),
      { email, password: form.get("password") },
      { ip: await requestIp(), userAgent: (await headers()).get("user-agent"), device: jar.get(DEVICE_COOKIE)?.value },
    );
  } catch {
    return { error: "sign-in is unavailable right now (the server cannot reach its database or Redis); try again shortly", email };
  }
  if (!result.ok) return { error: result.message, email };
  const secure = await secureCookies();
  jar.set(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: SESSION_ABSOLUTE_MS / 1000 });
  jar.set(DEVICE_COOKIE, result.device, deviceCookieOptions(secure));
  redirect(safeNextPath(form.get("next")));
}

export async function signOut(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) await revokeSession(getDb(), token);
  jar.delete(SESSION_COOKIE);
  redirect("/login");
}

/** Ends every session of the signed-in user, on every device, and their API tokens when the box is ticked. */
export async function signOutEverywhere(form?: FormData): Promise<void> {
  const session = await currentSession();
  if (session) {
    const actor = { id: session.user.id, label: session.user.email, ip: await requestIp() };
    await endEverywhere(getDb(), actor, session.user.id, { tokens: form?.get("tokens") === "1" });
  }
  (await cookies()).delete(SESSION_COOKIE);
  redirect("/login");
}
