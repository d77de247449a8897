import { createHash, randomBytes } from "node:crypto";
import type { ApiToken, Db, Role, TokenScope, User } from "../db/client.ts";

export const TOKEN_PREFIX = "pst_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a token; the plain value is returned once and never stored. */
export async function createApiToken(db: Db, opts: { userId: string; name: string; scope: TokenScope; expiresAt?: Date | null }): Promise<{ token: string; record: ApiToken }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const record = await db.apiToken.create({
    data: { userId: opts.userId, name: opts.name, scope: opts.scope, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6), expiresAt: opts.expiresAt ?? null },
  });
  return { token, record };
}

export interface TokenPrincipal {
  user: Pick<User, "id" | "email" | "name" | "role">;
  scope: TokenScope;
  tokenId: string;
}

/** Resolves a bearer token to its user, or null when unknown, revoked, expired or the user is disabled. */
export async function verifyApiToken(db: Db, token: string, now = new Date()): Promise<TokenPrincipal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const record = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } } } });
  if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= now) || record.user.disabledAt) return null;
  // Last-used is informational; one write a minute per token is plenty.
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: now } }).catch(() => undefined);
  }
  const { disabledAt: _disabled, ...user } = record.user;
  return { user: user as { id: string; email: string; name: string; role: Role }, scope: record.scope, tokenId: record.id };
}

export async function revokeApiToken(db: Db, id: string): Promise<void> {
  await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
}
