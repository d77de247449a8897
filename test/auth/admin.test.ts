import { describe, expect, it } from "vitest";
import { runAs } from "../../lib/actions/define.ts";
import {
  changeRoleAction,
  createTokenAction,
  createUserAction,
  resetPasswordAction,
  revokeTokenAction,
  setDisabledAction,
  updateSettingsAction,
} from "../../lib/actions/admin.ts";
import type { SignedInUser } from "../../lib/auth/guard.ts";
import { hashPassword, verifyPassword } from "../../lib/auth/passwords.ts";
import { createSession, verifySession } from "../../lib/auth/sessions.ts";
import { verifyApiToken } from "../../lib/auth/tokens.ts";
import { listAudit, auditFilters } from "../../lib/audit.ts";
import { listUsers, USERS_PAGE_SIZE, usersParams } from "../../lib/auth/users.ts";
import { useTestDatabase } from "../support/db.ts";
import { ORG_WIDE } from "../../lib/findings/visibility.ts";
import { findingRow } from "../support/finding-row.ts";
import { SETTINGS_FORM } from "../support/fixtures.ts";

const t = useTestDatabase("admin");

async function user(email: string, role: SignedInUser["role"]): Promise<SignedInUser> {
  const u = await t.db.user.create({
    data: { email, name: email.split("@")[0]!, role, passwordHash: await hashPassword("a long enough password") },
  });
  return { id: u.id, email: u.email, name: u.name, role: u.role, access: ORG_WIDE };
}

describe("the users list", () => {
  it("pages the accounts, searches email and name in any case, and keeps a page past the end on the last", async () => {
    const made = USERS_PAGE_SIZE + 5;
    for (let i = 0; i < made; i++) await user(`pager-${String(i).padStart(2, "0")}@list.test`, "viewer");
    const all = await t.db.user.count();
    const first = await listUsers(t.db, usersParams.parse({}));
    expect(first).toMatchObject({ total: all, page: 1, pages: Math.ceil(all / USERS_PAGE_SIZE) });
    expect(first.rows).toHaveLength(USERS_PAGE_SIZE);
    const matched = await listUsers(t.db, usersParams.parse({ q: "PAGER-", page: "2" }));
    expect(matched.total).toBe(made);
    expect(matched.rows.map((u) => u.email)).toEqual(
      Array.from({ length: 5 }, (_, i) => `pager-${String(USERS_PAGE_SIZE + i).padStart(2, "0")}@list.test`),
    );
    expect((await listUsers(t.db, usersParams.parse({ q: "pager-", page: "99" }))).page).toBe(2);
    expect(usersParams.parse({ q: ["a", "b"], page: "-3" })).toEqual({ q: "a", page: 1 });
    expect((await listUsers(t.db, usersParams.parse({ q: "nobody-by-this-name" }))).rows).toEqual([]);
  });
});

describe("administration", () => {
  it("creates a user with a password shown once, refuses duplicates, and audits it", async () => {
    const admin = await user("root@example.test", "admin");
    const r = await runAs(createUserAction, { db: t.db, user: admin }, { email: " New@Example.test ", role: "engineer" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const stored = await t.db.user.findUniqueOrThrow({ where: { email: "new@example.test" } });
    expect(stored.role).toBe("engineer");
    expect(await verifyPassword(stored.passwordHash!, r.data.password!)).toBe(true);
    expect(stored.passwordHash).not.toContain(r.data.password!);
    expect(await runAs(createUserAction, { db: t.db, user: admin }, { email: "new@example.test", role: "viewer" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/already exists/),
    });
    expect(await runAs(createUserAction, { db: t.db, user: admin }, { email: "not an email", role: "viewer" })).toMatchObject({
      ok: false,
      field: "email",
    });
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: "user.create", targetId: stored.id } });
    expect(entry).toMatchObject({
      actorId: admin.id,
      actorLabel: "root@example.test",
      after: { email: "new@example.test", role: "engineer" },
    });
  });

  it("never leaves the organisation without an active admin", async () => {
    const only = await user("only-admin@example.test", "admin");
    await t.db.user.updateMany({ where: { role: "admin", id: { not: only.id } }, data: { role: "viewer" } });
    const other = await user("other@example.test", "security_lead");
    const demote = await runAs(changeRoleAction, { db: t.db, user: only }, { userId: only.id, role: "viewer" });
    expect(demote).toMatchObject({ ok: false, error: expect.stringMatching(/last active admin/) });
    expect(await runAs(setDisabledAction, { db: t.db, user: only }, { userId: only.id, disabled: "true" })).toMatchObject({ ok: false });
    expect((await runAs(changeRoleAction, { db: t.db, user: only }, { userId: other.id, role: "admin" })).ok).toBe(true);
    expect((await runAs(changeRoleAction, { db: t.db, user: only }, { userId: only.id, role: "viewer" })).ok).toBe(true);
    const log = await t.db.auditLog.findMany({ where: { action: "user.role", targetId: only.id } });
    expect(log.map((l) => [l.before, l.after])).toEqual([[{ role: "admin" }, { role: "viewer" }]]);
  });

  it("disabling a user ends their sessions and tokens for good; resetting a password ends sessions", async () => {
    const admin = await user("admin2@example.test", "admin");
    const eng = await user("eng2@example.test", "engineer");
    const session = await createSession(t.db, eng.id);
    const tok = await runAs(
      createTokenAction,
      { db: t.db, user: admin },
      { userId: eng.id, name: "ci", scope: "write", expiresDays: "30" },
    );
    expect(tok.ok).toBe(true);
    if (!tok.ok) return;
    expect((await verifyApiToken(t.db, tok.data.token))?.user.id).toBe(eng.id);
    expect(await runAs(setDisabledAction, { db: t.db, user: admin }, { userId: eng.id, disabled: "true" })).toMatchObject({ ok: true });
    expect(await verifySession(t.db, session)).toBeNull();
    expect(await verifyApiToken(t.db, tok.data.token)).toBeNull();
    await runAs(setDisabledAction, { db: t.db, user: admin }, { userId: eng.id, disabled: "false" });
    // Issue 15 §4: re-enabling the account does not bring the token back.
    expect(await verifyApiToken(t.db, tok.data.token)).toBeNull();
    const s2 = await createSession(t.db, eng.id);
    const reset = await runAs(resetPasswordAction, { db: t.db, user: admin }, { userId: eng.id });
    expect(reset.ok).toBe(true);
    expect(await verifySession(t.db, s2)).toBeNull();
    expect(await runAs(revokeTokenAction, { db: t.db, user: admin }, { tokenId: tok.data.token })).toMatchObject({
      ok: false,
      error: "no such token",
    });
    const tok2 = await runAs(
      createTokenAction,
      { db: t.db, user: admin },
      { userId: eng.id, name: "ci2", scope: "write", expiresDays: "30" },
    );
    if (!tok2.ok) throw new Error(tok2.error);
    const rec = await t.db.apiToken.findFirstOrThrow({ where: { userId: eng.id, name: "ci2" } });
    expect((await runAs(revokeTokenAction, { db: t.db, user: admin }, { tokenId: rec.id })).ok).toBe(true);
    expect(await verifyApiToken(t.db, tok2.data.token)).toBeNull();
    const actions = (await listAudit(t.db, auditFilters.parse({ target: eng.id }))).rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["user.disable", "user.enable", "user.password_reset"]));
  });

  it("validates settings, moves open findings' due dates with the SLA, and audits before and after", async () => {
    const lead = await user("lead@example.test", "security_lead");
    const base = SETTINGS_FORM;
    const bad = [
      [{ scheduleCron: "* * * * * *" }, "scheduleCron"],
      [{ scheduleCron: "61 2 * * *" }, "scheduleCron"],
      [{ scheduleTimezone: "Mars/Olympus" }, "scheduleTimezone"],
      [{ slaCriticalDays: "0" }, "slaCriticalDays"],
      [{ slaCriticalDays: "60" }, "slaHighDays"],
    ] as const;
    for (const [change, field] of bad)
      expect(await runAs(updateSettingsAction, { db: t.db, user: lead }, { ...base, ...change })).toMatchObject({ ok: false, field });

    const team = await t.db.team.create({ data: { name: "t" } });
    const repo = await t.db.repository.create({ data: { teamId: team.id, name: "r", url: "https://x/r", urlKey: "x/r" } });
    await t.db.policy.create({
      data: { id: "p", title: "P", framework: "modal", level: "strict", references: [], why: "", remediation: "" },
    });
    await t.db.check.create({ data: { id: "c", policyId: "p", severity: "critical", message: "m" } });
    const first = new Date("2026-11-01T00:00:00Z");
    const f = (fingerprint: string, status: "open" | "fixed") =>
      t.db.finding.create({
        data: findingRow(
          { repositoryId: repo.id, fingerprint, severity: "critical", status, dueAt: new Date("2026-11-08T00:00:00Z") },
          first,
        ),
      });
    const open = await f("a", "open");
    const fixed = await f("b", "fixed");
    const r = await runAs(updateSettingsAction, { db: t.db, user: lead }, { ...base, slaCriticalDays: "3", scheduleEnabled: undefined });
    expect(r).toMatchObject({ ok: true, data: { dueDatesMoved: 1, settings: { slaCriticalDays: 3, scheduleEnabled: false } } });
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: open.id } })).dueAt.toISOString()).toBe("2026-11-04T00:00:00.000Z");
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: fixed.id } })).dueAt.toISOString()).toBe("2026-11-08T00:00:00.000Z");
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: "settings.update" } });
    expect(entry.before).toMatchObject({ slaCriticalDays: 7, scheduleEnabled: true });
    expect(entry.after).toMatchObject({ slaCriticalDays: 3, scheduleEnabled: false });
  });
});
