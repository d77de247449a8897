/** Accounts as the administration pages and the CLI change them; every change is audited in its transaction. */
import { z } from "zod";
import { audit, type Actor } from "../audit.ts";
import type { Db, Role } from "../db/client.ts";
import { checkPasswordPolicy, generatePassword, hashPassword, type PasswordPolicyError } from "./passwords.ts";
import { revokeAllSessions } from "./sessions.ts";
import { revokeUserTokens } from "./tokens.ts";
import { DomainError } from "../errors.ts";
import { type SearchPageParams, searchPageParams } from "../url-params.ts";

export const ROLES = ["admin", "security_lead", "engineer", "viewer"] as const satisfies readonly Role[];

export class UserError extends DomainError {
  constructor(message: string, field?: string, code = "invalid_input") {
    super(code, message, { field });
  }
}

export const newUserInput = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  name: z.string().trim().max(120).optional(),
  role: z.enum(ROLES).default("viewer"),
  /** The role applies org-wide; otherwise only to the user's teams (issue 16: need-to-know by default). */
  orgWide: z.boolean().default(false),
  /** Omitted: a password is generated and returned once. */
  password: z.string().optional(),
});

export async function createUser(
  db: Db,
  actor: Actor,
  raw: z.input<typeof newUserInput>,
): Promise<{ user: { id: string; email: string; role: Role }; password: string | null }> {
  const input = newUserInput.parse(raw);
  const password = input.password ?? generatePassword();
  try {
    checkPasswordPolicy(password);
  } catch (e) {
    throw new UserError((e as PasswordPolicyError).message, "password");
  }
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email } }))
      throw new UserError(`a user with email ${input.email} already exists`, "email", "duplicate");
    const user = await tx.user.create({
      data: { email: input.email, name: input.name || input.email.split("@")[0]!, role: input.role, orgWide: input.orgWide, passwordHash },
    });
    await audit(tx, actor, {
      action: "user.create",
      targetType: "user",
      targetId: user.id,
      after: { email: user.email, role: user.role, orgWide: user.orgWide },
    });
    return { user: { id: user.id, email: user.email, role: user.role }, password: input.password ? null : password };
  });
}

async function activeAdmins(tx: Pick<Db, "user">, excluding: string): Promise<number> {
  return tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: excluding } } });
}

export async function changeRole(db: Db, actor: Actor, userId: string, role: Role): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw new UserError("no such user", undefined, "not_found");
    if (before.role === role) return;
    if (before.role === "admin" && (await activeAdmins(tx, userId)) === 0)
      throw new UserError("this is the last active admin; make someone else admin first", undefined, "conflict");
    await tx.user.update({ where: { id: userId }, data: { role } });
    await audit(tx, actor, { action: "user.role", targetType: "user", targetId: userId, before: { role: before.role }, after: { role } });
  });
}

/**
 * A disabled user's sessions and API tokens end at once and stay ended: re-enabling the account brings back
 * neither, so whoever held a token of a departed user does not regain it with a later "enable". Nothing is
 * deleted.
 */
export async function setDisabled(db: Db, actor: Actor, userId: string, disabled: boolean): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw new UserError("no such user", undefined, "not_found");
    if (disabled === Boolean(before.disabledAt)) return;
    if (disabled && userId === actor.id) throw new UserError("you cannot disable your own account");
    if (disabled && before.role === "admin" && (await activeAdmins(tx, userId)) === 0)
      throw new UserError("this is the last active admin", undefined, "conflict");
    await tx.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
    await audit(tx, actor, {
      action: disabled ? "user.disable" : "user.enable",
      targetType: "user",
      targetId: userId,
      before: { disabled: Boolean(before.disabledAt) },
      after: { disabled },
    });
    if (disabled) {
      await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
      await revokeUserTokens(tx, actor, userId, "user disabled");
    }
  });
}

/** A new generated password, shown once; every session and API token of the user ends. */
export async function resetPassword(db: Db, actor: Actor, userId: string): Promise<string> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new UserError("no such user", undefined, "not_found");
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    await audit(tx, actor, { action: "user.password_reset", targetType: "user", targetId: userId });
    // A reset is what one does when the account may be in someone else's hands: whatever they hold ends too.
    await revokeUserTokens(tx, actor, userId, "password reset");
  });
  await revokeAllSessions(db, userId);
  return password;
}

/** Rows of the users page: each carries four forms (about 5 KB), so a page of every account outgrew issue 17's 150 KB. */
export const USERS_PAGE_SIZE = 20;

export const usersParams = searchPageParams(254);
export type UsersParams = SearchPageParams;

/** A page of accounts, active first then by email; `q` matches the email or name, any case. */
export async function listUsers(db: Db, params: UsersParams = { q: "", page: 1 }) {
  const where = params.q
    ? {
        OR: [
          { email: { contains: params.q, mode: "insensitive" as const } },
          { name: { contains: params.q, mode: "insensitive" as const } },
        ],
      }
    : {};
  const total = await db.user.count({ where });
  const pages = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const page = Math.min(params.page, pages);
  const rows = await db.user.findMany({
    where,
    orderBy: [{ disabledAt: { sort: "asc", nulls: "first" } }, { email: "asc" }, { id: "asc" }],
    skip: (page - 1) * USERS_PAGE_SIZE,
    take: USERS_PAGE_SIZE,
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      orgWide: true,
      teams: { orderBy: { team: { name: "asc" } }, select: { team: { select: { name: true } } } },
      createdAt: true,
      disabledAt: true,
      _count: {
        select: { sessions: { where: { revokedAt: null, expiresAt: { gt: new Date() } } }, apiTokens: { where: { revokedAt: null } } },
      },
    },
  });
  return { rows, total, page, pages };
}
