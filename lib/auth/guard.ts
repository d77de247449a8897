/**
 * Authorisation for pages and server actions, as pure functions so the role × action matrix can be tested
 * without a server. Next-specific plumbing (cookies, redirects) lives in lib/server/session.ts.
 */
import type { Role } from "../db/client.ts";
import { can, type Action } from "./permissions.ts";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export class AccessDenied extends Error {
  constructor(
    readonly reason: "unauthenticated" | "forbidden",
    message: string,
  ) {
    super(message);
  }
}

export function roleLabel(role: Role): string {
  return { admin: "admin", security_lead: "security lead", engineer: "engineer", viewer: "viewer" }[role];
}

/** The user, when signed in and allowed to do `action`; otherwise AccessDenied says which of the two failed. */
export function authorize(user: SignedInUser | null, action: Action): SignedInUser {
  if (!user) throw new AccessDenied("unauthenticated", "sign in to continue");
  if (!can(user.role, action)) throw new AccessDenied("forbidden", `the ${roleLabel(user.role)} role cannot do this`);
  return user;
}

/** Where to go after signing in: only a path on this site, never another origin (open redirect). */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\") || raw.length > 2000) return "/";
  return /[\u0000-\u001f]/.test(raw) ? "/" : raw;
}
