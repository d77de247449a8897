/**
 * Issue 15 §3: the sign-in lockout against parallel requests, and an account's owner against the lockout.
 * Before: 150 simultaneous attempts were all checked (the count was only written after each check), and the
 * right password sent inside the burst signed in. Real Redis, several connections, so the requests' commands
 * truly interleave.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_LIMITS, login, type LoginResult } from "../../lib/auth/login.ts";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { verifySession } from "../../lib/auth/sessions.ts";
import { useTestDatabase } from "../support/db.ts";
import { REDIS_URL, useQueuePrefix } from "../support/queue.ts";

const t = useTestDatabase("lockout");
const base = useQueuePrefix("lockout");
const conns = Array.from({ length: 6 }, () => new Redis(REDIS_URL));
afterAll(() => conns.forEach((c) => c.disconnect()));
const PASSWORD = "the owner's real password";
let n = 0;

/** A fresh account and a key space of its own, so each test starts with nothing counted. */
async function account(role: "admin" | "engineer" = "admin") {
  const email = `owner${++n}@example.test`;
  await t.db.user.create({ data: { email, name: email, role, passwordHash: await hashPassword(PASSWORD) } });
  return { email, prefix: `${base}:t${n}` };
}

const kinds = (rs: LoginResult[]) =>
  rs.reduce<Record<string, number>>((m, r) => ((m[r.ok ? "signed in" : r.reason] = (m[r.ok ? "signed in" : r.reason] ?? 0) + 1), m), {});

beforeAll(async () => {
  // Warm the dummy hash and a connection or two, so the burst below is one burst.
  await login(t.db, conns[0]!, { email: "nobody@example.test", password: "x" }, { ip: null }, `${base}:warm`);
});

describe("the issue's attack: a parallel burst", () => {
  it("150 simultaneous attempts with the right password inside do not sign in, and only the limit are checked", async () => {
    const { email, prefix } = await account();
    const RIGHT_AT = 75;
    const burst = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        login(t.db, conns[i % conns.length]!, { email, password: i === RIGHT_AT ? PASSWORD : `wrong guess ${i}` }, { ip: null }, prefix),
      ),
    );
    expect(burst[RIGHT_AT]).toMatchObject({ ok: false, reason: "locked" });
    // "invalid" is only ever answered after a password check; "locked" before one.
    expect(kinds(burst)).toEqual({ invalid: LOGIN_LIMITS.unknownDeviceAttempts, locked: 150 - LOGIN_LIMITS.unknownDeviceAttempts });
    expect(await t.db.session.count({ where: { user: { email } } })).toBe(0);
  });

  it("wherever the right password sits in the burst, it signs in only if it is among the first attempts counted", async () => {
    for (const at of [0, 4, 5, 149]) {
      const { email, prefix } = await account();
      const burst = await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          login(t.db, conns[0]!, { email, password: i === at ? PASSWORD : `wrong ${i}` }, { ip: null }, prefix),
        ),
      );
      // One connection keeps the order of the calls, so the attempt at `at` is counted at+1-th.
      expect([at, burst[at]!.ok]).toEqual([at, at < LOGIN_LIMITS.unknownDeviceAttempts]);
      expect(burst.filter((r) => !r.ok && r.reason === "invalid").length).toBe(
        Math.min(LOGIN_LIMITS.unknownDeviceAttempts, 150) - (at < LOGIN_LIMITS.unknownDeviceAttempts ? 1 : 0),
      );
    }
  });

  it("behind a trusted proxy, one address spraying many accounts in parallel gets at most its limit checked", async () => {
    const { prefix } = await account();
    const spray = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        login(t.db, conns[i % conns.length]!, { email: `spray${i}@example.test`, password: "guess guess" }, { ip: "203.0.113.7" }, prefix),
      ),
    );
    expect(kinds(spray)).toEqual({ invalid: LOGIN_LIMITS.ipAttempts, locked: 100 - LOGIN_LIMITS.ipAttempts });
  });
});

describe("the owner keeps signing in during an attack", () => {
  it("from a browser they signed in with before (its device cookie), while every other browser is locked out", async () => {
    const { email, prefix } = await account();
    const first = await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null }, prefix);
    if (!first.ok) throw new Error("first sign-in failed");
    expect(first.device).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The attacker, with no cookie, a made-up one, or a real one of another account, exhausts the account.
    const other = await account();
    const elsewhere = await login(t.db, conns[0]!, { email: other.email, password: PASSWORD }, { ip: null }, prefix);
    const forged = [null, "A".repeat(43), "not a cookie", elsewhere.ok ? elsewhere.device : null];
    const attack = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        login(t.db, conns[i % conns.length]!, { email, password: `guess ${i}` }, { ip: null, device: forged[i % forged.length] }, prefix),
      ),
    );
    expect(attack.filter((r) => !r.ok && r.reason === "invalid").length).toBe(LOGIN_LIMITS.unknownDeviceAttempts);
    expect(await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null }, prefix)).toMatchObject({
      ok: false,
      reason: "locked",
      message: expect.stringMatching(/browser you have signed in with before/),
    });

    // The owner's browser: signed in, and handed a new device cookie.
    const owner = await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null, device: first.device }, prefix);
    expect(owner.ok).toBe(true);
    if (!owner.ok) return;
    expect((await verifySession(t.db, owner.token))?.user.email).toBe(email);
    expect(owner.device).not.toBe(first.device);
    // The old cookie no longer counts as the owner's browser (it was rotated), the new one does.
    expect(await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null, device: first.device }, prefix)).toMatchObject({
      ok: false,
      reason: "locked",
    });
    expect((await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null, device: owner.device }, prefix)).ok).toBe(true);
  });

  it("a known browser has a limit of its own: guessing from it locks that browser only", async () => {
    const { email, prefix } = await account();
    const a = await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null }, prefix);
    const b = await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null }, prefix);
    if (!a.ok || !b.ok) throw new Error("sign-in failed");
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        login(t.db, conns[i % conns.length]!, { email, password: `guess ${i}` }, { ip: null, device: a.device }, prefix),
      ),
    );
    expect(kinds(guesses)).toEqual({ invalid: LOGIN_LIMITS.knownDeviceAttempts, locked: 30 - LOGIN_LIMITS.knownDeviceAttempts });
    expect(await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null, device: a.device }, prefix)).toMatchObject({
      ok: false,
      reason: "locked",
      message: expect.stringMatching(/from this browser/),
    });
    expect((await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null, device: b.device }, prefix)).ok).toBe(true);
    expect((await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null }, prefix)).ok).toBe(true);
  });

  it("successful sign-ins give their count back: an owner signing in often, from new browsers, is never locked", async () => {
    const { email, prefix } = await account("engineer");
    for (let i = 0; i < 3 * LOGIN_LIMITS.unknownDeviceAttempts; i++)
      expect((await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: "198.51.100.1" }, prefix)).ok).toBe(true);
    // ...while failed guesses still count.
    for (let i = 0; i < LOGIN_LIMITS.unknownDeviceAttempts; i++)
      expect((await login(t.db, conns[0]!, { email, password: "wrong" }, { ip: null }, prefix)).ok).toBe(false);
    expect(await login(t.db, conns[0]!, { email, password: PASSWORD }, { ip: null }, prefix)).toMatchObject({ reason: "locked" });
  });
});

describe("progressive lockout", () => {
  it("each exhausted window makes the next one twice as long", async () => {
    const { email, prefix } = await account();
    const r = conns[0]!;
    const key = async () => (await r.keys(`${prefix}:login:acct:*`)).find((k) => !k.endsWith(":strikes"))!;
    const exhaust = async () => {
      for (let i = 0; i <= LOGIN_LIMITS.unknownDeviceAttempts; i++)
        await login(t.db, r, { email, password: `guess ${i}` }, { ip: null }, prefix);
      return login(t.db, r, { email, password: PASSWORD }, { ip: null }, prefix);
    };
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const locked = await exhaust();
      if (locked.ok || locked.reason !== "locked") throw new Error(`round ${round}: not locked`);
      waits.push(locked.retryAfterSeconds);
      // The window ends (as if its time had passed).
      await r.del(await key());
    }
    const expected = [1, 2, 4, 8].map((f) => f * LOGIN_LIMITS.windowSeconds);
    waits.forEach((w, i) => expect(w).toBeGreaterThan(expected[i]! - 10));
    waits.forEach((w, i) => expect(w).toBeLessThanOrEqual(expected[i]!));
    // Never longer than the ceiling.
    for (let round = 0; round < 4; round++) {
      await exhaust();
      await r.del(await key());
    }
    const last = await exhaust();
    expect(!last.ok && last.reason === "locked" && last.retryAfterSeconds).toBe(LOGIN_LIMITS.maxWindowSeconds);
  });
});
