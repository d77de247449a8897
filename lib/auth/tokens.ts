import { createHash, randomBytes } from "node:crypto";
import { audit, type Actor } from "../audit.ts";
import type { ApiToken, Db, Prisma, Role, TokenScope, User } from "../db/client.ts";
import type { AccessScope } from "../findings/visibility.ts";
import { canManageTokensOf } from "./permissions.ts";
import { PRINCIPAL_SELECT, principalOf } from "./principal.ts";
import { DomainError } from "../errors.ts";
import { DAY_MS } from "../time.ts";

export const TOKEN_PREFIX = "pst_";
/** What createApiToken makes: the prefix and 32 random bytes in base64url. */
const TOKEN_SHAPE = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

export function isApiTokenShaped(value: string | null | undefined): boolean {
  return typeof value === "string" && TOKEN_SHAPE.test(value);
}

/** The credential of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerToken(authorization: string | null): string | null {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? null;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a token; the plain value is returned once and never stored. */
export async function createApiToken(
  db: Db,
  opts: { userId: string; name: string; scope: TokenScope; expiresAt?: Date | null },
): Promise<{ token: string; record: ApiToken }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const record = await db.apiToken.create({
    data: {
      userId: opts.userId,
      name: opts.name,
      scope: opts.scope,
      tokenHash: hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      expiresAt: opts.expiresAt ?? null,
    },
  });
  return { token, record };
}

export interface TokenPrincipal {
  user: Pick<User, "id" | "email" | "name" | "role"> & { access: AccessScope };
  scope: TokenScope;
  tokenId: string;
}

/** Resolves a bearer token to its user, or null when unknown, revoked, expired or the user is disabled. */
export async function verifyApiToken(db: Db, token: string, now = new Date()): Promise<TokenPrincipal | null> {
  if (!isApiTokenShaped(token)) return null;
  const record = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: PRINCIPAL_SELECT } } });
  if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= now) || record.user.disabledAt) return null;
  // Last-used is informational; one write a minute per token is plenty.
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: now } }).catch(() => undefined);
  }
  // A token has its user's scope as it is now: a user moved out of a team takes their tokens with them.
  return { user: principalOf(record.user), scope: record.scope, tokenId: record.id };
}

/**
 * Who asks to create or revoke a token: a signed-in user, whose role and id decide (canManageTokensOf), or the
 * operator at the machine (the CLI, test and bench setup), who can already do anything to the database.
 */
export type TokenIssuer = { id: string; role: Role } | "operator";

function mayManage(issuer: TokenIssuer, ownerId: string): boolean {
  return issuer === "operator" || canManageTokensOf(issuer, ownerId);
}

/** A token for a user, audited; the plain value is returned once. */
export async function issueToken(
  db: Db,
  actor: Actor,
  issuer: TokenIssuer,
  opts: { userId: string; name: string; scope: TokenScope; expiresDays?: number | null },
): Promise<{ token: string; record: ApiToken; user: Pick<User, "email"> }> {
  // Before looking the user up, so the answer says nothing about which ids exist.
  if (!mayManage(issuer, opts.userId)) throw new TokenError("only an admin can create a token for another user");
  const user = await db.user.findUnique({ where: { id: opts.userId } });
  if (!user || user.disabledAt) throw new TokenError("no active user with that id");
  const expiresAt = opts.expiresDays ? new Date(Date.now() + opts.expiresDays * DAY_MS) : null;
  const { token, record } = await createApiToken(db, { userId: user.id, name: opts.name, scope: opts.scope, expiresAt });
  await audit(db, actor, {
    action: "token.create",
    targetType: "api_token",
    targetId: record.id,
    after: { user: user.email, name: record.name, scope: record.scope, expiresAt },
  });
  return { token, record, user };
}

export async function revokeTokenAudited(db: Db, actor: Actor, issuer: TokenIssuer, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const t = await tx.apiToken.findUnique({ where: { id }, include: { user: { select: { email: true } } } });
    if (!t) throw new TokenError("no such token");
    if (!mayManage(issuer, t.userId)) throw new TokenError("only an admin can revoke another user's token");
    if (t.revokedAt) return;
    await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, actor, {
      action: "token.revoke",
      targetType: "api_token",
      targetId: id,
      before: { user: t.user.email, name: t.name, scope: t.scope },
    });
  });
}

export type TokenRevocationReason = "user disabled" | "password reset" | "signed out everywhere";

/**
 * Ends every live token of a user for good (re-enabling the user later brings none back), in the caller's
 * transaction, with one audit entry naming the tokens; nothing is written when there were none.
 */
export async function revokeUserTokens(
  tx: Prisma.TransactionClient,
  actor: Actor,
  userId: string,
  reason: TokenRevocationReason,
): Promise<number> {
  const live = await tx.apiToken.findMany({ where: { userId, revokedAt: null }, select: { id: true, name: true, prefix: true } });
  if (live.length === 0) return 0;
  await tx.apiToken.updateMany({ where: { id: { in: live.map((t) => t.id) } }, data: { revokedAt: new Date() } });
  await audit(tx, actor, {
    action: "user.tokens.revoke_all",
    targetType: "user",
    targetId: userId,
    after: { reason, tokensRevoked: live.length, tokens: live },
  });
  return live.length;
}

export class TokenError extends DomainError {
  constructor(message: string) {
    super("invalid_input", message);
  }
}

/** The tokens an issuer may see and revoke: everyone's for an admin, their own for anyone else. */
export async function listTokens(db: Db, issuer: TokenIssuer) {
  const where = issuer === "operator" || issuer.role === "admin" ? {} : { userId: issuer.id };
  return db.apiToken.findMany({
    where,
    orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }],
    take: 500,
    include: { user: { select: { email: true } } },
  });
}
