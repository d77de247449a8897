/**
 * Authorisation for pages and server actions, as pure functions so the role × action matrix can be tested
 * without a server. Next-specific plumbing (cookies, redirects) lives in lib/server/session.ts.
 */
import type { Role } from "../db/client.ts";
import type { AccessScope } from "../findings/visibility.ts";
import { can, canWithScope, type Action } from "./permissions.ts";
import { DomainError } from "../errors.ts";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Which repositories this user may see and act on (lib/findings/visibility.ts). */
  access: AccessScope;
}

export class AccessDenied extends DomainError {
  constructor(
    readonly reason: "unauthenticated" | "forbidden",
    message: string,
  ) {
    super(reason, message);
  }
}

export function roleLabel(role: Role): string {
  return { admin: "admin", security_lead: "security lead", engineer: "engineer", viewer: "viewer" }[role];
}

/** The user, when signed in and allowed to do `action`; otherwise AccessDenied says which of the two failed. */
export function authorize(user: SignedInUser | null, action: Action): SignedInUser {
  if (!user) throw new AccessDenied("unauthenticated", "sign in to continue");
  if (!can(user.role, action)) throw new AccessDenied("forbidden", `the ${roleLabel(user.role)} role cannot do this`);
  if (!canWithScope(user, action))
    throw new AccessDenied("forbidden", `this affects every team: a ${roleLabel(user.role)} scoped to teams cannot do it`);
  return user;
}

// Any absolute URL would do: only its origin matters, as the thing a `next` value must not leave.
const HERE = new URL("http://posture.invalid");

/**
 * Where to go after signing in: a path on this site, or "/" (open redirect). `next` is resolved against this
 * origin the way a browser would resolve it, and kept only when that changes nothing: the same origin, and a
 * path that is already normalised. Dot segments (`/.//evil.example` resolves to `//evil.example`, which a
 * browser reads as another host), backslashes (browsers read `\` as `/`), their percent-encoded forms and
 * control characters or whitespace are refused outright.
 */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.length > 2000) return "/";
  if (/[\\\s\u0000-\u001f\u007f]/.test(raw)) return "/";
  const path = raw.split(/[?#]/, 1)[0]!;
  if (/%(2e|2f|5c|[01][0-9a-f]|7f)/i.test(path) || /%00/.test(raw)) return "/";
  let resolved: URL;
  try {
    resolved = new URL(raw, HERE);
  } catch {
    return "/";
  }
  const normal = resolved.pathname + resolved.search + resolved.hash;
  if (resolved.origin !== HERE.origin || normal !== raw || normal.startsWith("//")) return "/";
  return normal;
}
