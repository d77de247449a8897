/** Server-side sessions behind an opaque cookie: expiring (absolute and idle), revocable, "log out everywhere". */
import { createHash, randomBytes } from "node:crypto";
import { audit, type Actor } from "../audit.ts";
import type { Db, Role } from "../db/client.ts";
import type { AccessScope } from "../findings/visibility.ts";
import { PRINCIPAL_SELECT, principalOf } from "./principal.ts";
import { revokeUserTokens } from "./tokens.ts";

export const SESSION_COOKIE = "posture_session";
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(
  db: Db,
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null } = {},
  now = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      lastSeenAt: now,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    },
  });
  return token;
}

export interface SessionUser {
  sessionId: string;
  user: { id: string; email: string; name: string; role: Role; access: AccessScope };
}

/** The session's user, or null when the session is unknown, revoked, expired, idle too long, or its user disabled. */
export async function verifySession(db: Db, token: string | undefined, now = new Date()): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null;
  const s = await db.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: PRINCIPAL_SELECT } } });
  if (!s || s.revokedAt || s.expiresAt <= now || now.getTime() - s.lastSeenAt.getTime() > SESSION_IDLE_MS || s.user.disabledAt) return null;
  if (now.getTime() - s.lastSeenAt.getTime() > 60_000)
    await db.session.update({ where: { id: s.id }, data: { lastSeenAt: now } }).catch(() => undefined);
  return { sessionId: s.id, user: principalOf(s.user) };
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.session.updateMany({ where: { tokenHash: hashToken(token), revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Every session of the user ends now. */
export async function revokeAllSessions(db: Pick<Db, "session">, userId: string): Promise<number> {
  const { count } = await db.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}

/** "Sign out everywhere": every session of the user ends, and, when asked, every API token; audited. */
export async function signOutEverywhere(
  db: Db,
  actor: Actor,
  userId: string,
  opts: { tokens: boolean },
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  return db.$transaction(async (tx) => {
    const sessionsEnded = await revokeAllSessions(tx, userId);
    await audit(tx, actor, {
      action: "user.sessions.revoke_all",
      targetType: "user",
      targetId: userId,
      after: { sessionsEnded, tokens: opts.tokens },
    });
    const tokensRevoked = opts.tokens ? await revokeUserTokens(tx, actor, userId, "signed out everywhere") : 0;
    return { sessionsEnded, tokensRevoked };
  });
}

/** The Set-Cookie value: httpOnly, SameSite=Lax, Secure when served over https. */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_ABSOLUTE_MS / 1000}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}
