/**
 * Issue 15 §4: API tokens act as their owner, so only an admin creates or revokes tokens for someone else;
 * a security lead (who manages tokens) only their own. Tokens end, audited, when their user is disabled (and
 * stay ended after re-enabling), on a password reset, and with "sign out everywhere" when asked.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTokenAction, resetPasswordAction, revokeTokenAction, setDisabledAction } from "../../lib/actions/admin.ts";
import { runAs } from "../../lib/actions/define.ts";
import type { SignedInUser } from "../../lib/auth/guard.ts";
import { canManageTokensOf } from "../../lib/auth/permissions.ts";
import { signOutEverywhere } from "../../lib/auth/sessions.ts";
import { issueToken, listTokens, TokenError, verifyApiToken } from "../../lib/auth/tokens.ts";
import { useTestDatabase } from "../support/db.ts";
import { ORG_WIDE } from "../../lib/findings/visibility.ts";

const t = useTestDatabase("tokens");
const u = {} as Record<"admin" | "lead" | "lead2" | "eng", SignedInUser>;

beforeAll(async () => {
  for (const [key, role] of [
    ["admin", "admin"],
    ["lead", "security_lead"],
    ["lead2", "security_lead"],
    ["eng", "engineer"],
  ] as const) {
    const row = await t.db.user.create({ data: { email: `${key}@example.test`, name: key, role } });
    u[key] = { id: row.id, email: row.email, name: row.name, role: row.role, access: ORG_WIDE };
  }
});

const create = (as: SignedInUser, userId: string, name = "t") =>
  runAs(createTokenAction, { db: t.db, user: as }, { userId, name, scope: "write", expiresDays: "30" });
const adminToken = async (owner: SignedInUser, name: string) => {
  const r = await create(u.admin, owner.id, name);
  if (!r.ok) throw new Error(r.error);
  return { token: r.data.token, id: (await t.db.apiToken.findFirstOrThrow({ where: { userId: owner.id, name } })).id };
};

describe("who may create and revoke whose tokens", () => {
  it("the rule: admins anyone's; others with tokens:manage only their own; the rest nobody's", () => {
    expect(canManageTokensOf(u.admin, u.lead.id)).toBe(true);
    expect(canManageTokensOf(u.lead, u.lead.id)).toBe(true);
    expect(canManageTokensOf(u.lead, u.admin.id)).toBe(false);
    expect(canManageTokensOf(u.lead, u.lead2.id)).toBe(false);
    expect(canManageTokensOf(u.eng, u.eng.id)).toBe(false);
  });

  it("a security lead cannot mint a token for an admin (the issue's attack), nor for another lead", async () => {
    const tokensBefore = await t.db.apiToken.count();
    for (const target of [u.admin, u.lead2]) {
      expect(await create(u.lead, target.id, "impersonate")).toEqual({
        ok: false,
        error: "only an admin can create a token for another user",
      });
    }
    // Through the domain function too, which every edge calls.
    await expect(
      issueToken(t.db, { id: u.lead.id, label: u.lead.email }, u.lead, { userId: u.admin.id, name: "x", scope: "write" }),
    ).rejects.toThrow(TokenError);
    expect(await t.db.apiToken.count()).toBe(tokensBefore);
    expect(await t.db.auditLog.count({ where: { action: "token.create" } })).toBe(0);
  });

  it("a security lead creates their own; an admin creates anyone's; each token acts as its owner", async () => {
    const own = await create(u.lead, u.lead.id, "mine");
    expect(own).toMatchObject({ ok: true, data: { user: u.lead.email } });
    if (own.ok) expect((await verifyApiToken(t.db, own.data.token))?.user).toMatchObject({ id: u.lead.id, role: "security_lead" });
    const forLead = await create(u.admin, u.lead.id, "from admin");
    expect(forLead.ok).toBe(true);
    const audited = await t.db.auditLog.findMany({ where: { action: "token.create" }, orderBy: { createdAt: "asc" } });
    expect(audited.map((a) => [a.actorLabel, (a.after as { user: string }).user])).toEqual([
      [u.lead.email, u.lead.email],
      [u.admin.email, u.lead.email],
    ]);
  });

  it("a security lead cannot revoke an admin's token, sees only their own, and revokes their own", async () => {
    const a = await adminToken(u.admin, "admin ci");
    expect(await runAs(revokeTokenAction, { db: t.db, user: u.lead }, { tokenId: a.id })).toEqual({
      ok: false,
      error: "only an admin can revoke another user's token",
    });
    expect((await verifyApiToken(t.db, a.token))?.user.id).toBe(u.admin.id);
    const visible = await listTokens(t.db, u.lead);
    expect(new Set(visible.map((x) => x.userId))).toEqual(new Set([u.lead.id]));
    expect((await listTokens(t.db, u.admin)).some((x) => x.userId === u.admin.id)).toBe(true);
    const mine = visible.find((x) => x.name === "mine")!;
    expect((await runAs(revokeTokenAction, { db: t.db, user: u.lead }, { tokenId: mine.id })).ok).toBe(true);
    expect((await runAs(revokeTokenAction, { db: t.db, user: u.admin }, { tokenId: a.id })).ok).toBe(true);
    expect(await verifyApiToken(t.db, a.token)).toBeNull();
  });

  it("engineers and viewers manage no tokens at all, not even their own", async () => {
    expect(await create(u.eng, u.eng.id)).toEqual({ ok: false, error: "the engineer role cannot do this" });
  });
});

describe("when tokens end", () => {
  const revocations = (userId: string) =>
    t.db.auditLog.findMany({ where: { action: "user.tokens.revoke_all", targetId: userId }, orderBy: { createdAt: "asc" } });

  it("disabling the user ends them, and re-enabling brings none back; audited", async () => {
    const x = await adminToken(u.eng, "eng ci");
    expect(await runAs(setDisabledAction, { db: t.db, user: u.admin }, { userId: u.eng.id, disabled: "true" })).toMatchObject({ ok: true });
    expect(await verifyApiToken(t.db, x.token)).toBeNull();
    expect(await runAs(setDisabledAction, { db: t.db, user: u.admin }, { userId: u.eng.id, disabled: "false" })).toMatchObject({
      ok: true,
    });
    expect(await verifyApiToken(t.db, x.token)).toBeNull();
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: x.id } })).revokedAt).not.toBeNull();
    const [entry] = await revocations(u.eng.id);
    expect(entry).toMatchObject({
      actorId: u.admin.id,
      after: { reason: "user disabled", tokensRevoked: 1, tokens: [{ id: x.id, name: "eng ci" }] },
    });
  });

  it("a password reset ends them; audited", async () => {
    const x = await adminToken(u.lead2, "lead2 ci");
    expect((await runAs(resetPasswordAction, { db: t.db, user: u.admin }, { userId: u.lead2.id })).ok).toBe(true);
    expect(await verifyApiToken(t.db, x.token)).toBeNull();
    expect((await revocations(u.lead2.id)).map((e) => (e.after as { reason: string }).reason)).toEqual(["password reset"]);
  });

  it("sign out everywhere ends them when asked, and only then; audited", async () => {
    const kept = await adminToken(u.lead, "kept");
    const actor = { id: u.lead.id, label: u.lead.email };
    expect(await signOutEverywhere(t.db, actor, u.lead.id, { tokens: false })).toEqual({ sessionsEnded: 0, tokensRevoked: 0 });
    expect((await verifyApiToken(t.db, kept.token))?.user.id).toBe(u.lead.id);
    const ended = await signOutEverywhere(t.db, actor, u.lead.id, { tokens: true });
    expect(ended.tokensRevoked).toBeGreaterThanOrEqual(1);
    expect(await verifyApiToken(t.db, kept.token)).toBeNull();
    expect((await revocations(u.lead.id)).map((e) => [e.actorId, (e.after as { reason: string }).reason])).toEqual([
      [u.lead.id, "signed out everywhere"],
    ]);
    expect(await t.db.auditLog.count({ where: { action: "user.sessions.revoke_all", targetId: u.lead.id } })).toBe(2);
  });
});
