import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, SYSTEM } from "../lib/audit.ts";
import { LOGIN_LIMITS, login } from "../lib/auth/login.ts";
import { generatePassword, hashPassword, verifyPassword } from "../lib/auth/passwords.ts";
import {
  createSession,
  revokeAllSessions,
  revokeSession,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  sessionCookie,
  verifySession,
} from "../lib/auth/sessions.ts";
import { useTestDatabase } from "./support/db.ts";
import { REDIS_URL, useQueuePrefix } from "./support/queue.ts";

const t = useTestDatabase("auth");
const prefix = useQueuePrefix("auth");
const redis = new Redis(REDIS_URL);
afterAll(() => redis.disconnect());
const PASSWORD = "correct horse battery staple";
let userId: string;

beforeAll(async () => {
  userId = (
    await t.db.user.create({
      data: { email: "eng@example.test", name: "Eng", role: "engineer", passwordHash: await hashPassword(PASSWORD) },
    })
  ).id;
});

describe("passwords", () => {
  it("are stored as argon2id and verified, and too-short ones are refused", async () => {
    const h = await hashPassword(PASSWORD);
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, PASSWORD)).toBe(true);
    expect(await verifyPassword(h, `${PASSWORD}!`)).toBe(false);
    expect(await verifyPassword("not a hash", PASSWORD)).toBe(false);
    await expect(hashPassword("short")).rejects.toThrow(/at least 12/);
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe("sessions", () => {
  it("expire after the absolute lifetime and after idling, and can be revoked one by one or everywhere", async () => {
    const start = new Date();
    const token = await createSession(t.db, userId, { ip: "127.0.0.1", userAgent: "test" }, start);
    expect((await verifySession(t.db, token, start))?.user.email).toBe("eng@example.test");
    expect(await verifySession(t.db, `${token}x`, start)).toBeNull();
    expect(await verifySession(t.db, token, new Date(start.getTime() + SESSION_IDLE_MS + 1000))).toBeNull();
    // Active use keeps it alive until the absolute end.
    let now = start.getTime();
    while (now + SESSION_IDLE_MS / 2 < start.getTime() + SESSION_ABSOLUTE_MS) {
      now += SESSION_IDLE_MS / 2;
      expect(await verifySession(t.db, token, new Date(now))).not.toBeNull();
    }
    expect(await verifySession(t.db, token, new Date(start.getTime() + SESSION_ABSOLUTE_MS + 1))).toBeNull();

    const a = await createSession(t.db, userId);
    const b = await createSession(t.db, userId);
    await revokeSession(t.db, a);
    expect(await verifySession(t.db, a)).toBeNull();
    expect(await verifySession(t.db, b)).not.toBeNull();
    expect(await revokeAllSessions(t.db, userId)).toBeGreaterThanOrEqual(1);
    expect(await verifySession(t.db, b)).toBeNull();
  });

  it("never store the cookie value, and set a safe cookie", async () => {
    const token = await createSession(t.db, userId);
    expect(await t.db.session.count({ where: { tokenHash: token } })).toBe(0);
    expect(sessionCookie(token, true)).toBe(`posture_session=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200; Secure`);
    expect(sessionCookie(token, false)).not.toContain("Secure");
  });
});

describe("login", () => {
  it("signs in with the right password and says the same for a wrong email or password", async () => {
    const ok = await login(t.db, redis, { email: "ENG@example.test", password: PASSWORD }, { ip: "10.0.0.1" }, prefix);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect((await verifySession(t.db, ok.token))?.user.id).toBe(userId);
    const wrongPassword = await login(t.db, redis, { email: "eng@example.test", password: "nope nope nope" }, { ip: "10.0.0.2" }, prefix);
    const wrongEmail = await login(t.db, redis, { email: "who@example.test", password: PASSWORD }, { ip: "10.0.0.2" }, prefix);
    expect(wrongPassword).toEqual(wrongEmail);
    expect(wrongPassword).toEqual({ ok: false, reason: "invalid", message: "email or password is incorrect" });
  });

  it("locks an account after repeated failures, even from many addresses, and then refuses the right password", async () => {
    await t.db.user.create({
      data: { email: "lead@example.test", name: "Lead", role: "security_lead", passwordHash: await hashPassword(PASSWORD) },
    });
    for (let i = 0; i < LOGIN_LIMITS.unknownDeviceAttempts; i++) {
      const r = await login(t.db, redis, { email: "lead@example.test", password: `wrong-${i}-password` }, { ip: `10.1.0.${i}` }, prefix);
      expect(r.ok).toBe(false);
    }
    const locked = await login(t.db, redis, { email: "lead@example.test", password: PASSWORD }, { ip: "10.1.1.1" }, prefix);
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    if (!locked.ok && locked.reason === "locked") expect(locked.retryAfterSeconds).toBeGreaterThan(LOGIN_LIMITS.windowSeconds - 10);
  });

  it("locks an address that tries many accounts", async () => {
    for (let i = 0; i < LOGIN_LIMITS.ipAttempts; i++)
      await login(t.db, redis, { email: `user${i}@example.test`, password: "guess guess guess" }, { ip: "10.9.9.9" }, prefix);
    const r = await login(t.db, redis, { email: "eng@example.test", password: PASSWORD }, { ip: "10.9.9.9" }, prefix);
    expect(r).toMatchObject({ ok: false, reason: "locked" });
    const elsewhere = await login(t.db, redis, { email: "eng@example.test", password: PASSWORD }, { ip: "10.9.9.10" }, prefix);
    expect(elsewhere.ok).toBe(true);
  });

  it("without a known client address, failures on other accounts never lock anyone else out", async () => {
    for (let i = 0; i < LOGIN_LIMITS.ipAttempts + 2; i++)
      await login(t.db, redis, { email: `noip${i}@example.test`, password: "guess guess guess" }, { ip: null }, prefix);
    expect((await login(t.db, redis, { email: "eng@example.test", password: PASSWORD }, { ip: null }, prefix)).ok).toBe(true);
  });

  it("refuses disabled accounts and accounts without a password", async () => {
    await t.db.user.create({
      data: {
        email: "gone@example.test",
        name: "Gone",
        role: "viewer",
        passwordHash: await hashPassword(PASSWORD),
        disabledAt: new Date(),
      },
    });
    await t.db.user.create({ data: { email: "nopass@example.test", name: "No", role: "viewer" } });
    for (const email of ["gone@example.test", "nopass@example.test"])
      expect((await login(t.db, redis, { email, password: PASSWORD }, { ip: "10.2.0.1" }, prefix)).ok).toBe(false);
  });
});

describe("audit log", () => {
  it("records actor, action, target, address and the state before and after", async () => {
    await audit(
      t.db,
      { id: userId, label: "eng@example.test", ip: "10.0.0.1" },
      { action: "finding.status", targetType: "finding", targetId: "f1", before: { status: "open" }, after: { status: "in_progress" } },
    );
    await audit(t.db, SYSTEM, { action: "scan.scheduled", targetType: "organisation" });
    const rows = await t.db.auditLog.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.actorLabel, r.action, r.targetId, r.ip, r.before, r.after])).toEqual([
      ["eng@example.test", "finding.status", "f1", "10.0.0.1", { status: "open" }, { status: "in_progress" }],
      ["system", "scan.scheduled", null, null, null, null],
    ]);
  });
});
