/**
 * Password sign-in, throttled so that guessing is slow and an attack on an account does not lock its owner out
 * (OWASP Authentication Cheat Sheet: login throttling with device cookies). docs/SECURITY.md has the trade-offs.
 *
 * - Every attempt is counted in Redis, atomically, before its password is checked: in each window a bucket lets
 *   at most `limit` attempts through to verification, however many arrive at once. A sign-in that succeeds
 *   gives its count back, so the limit is on failed guesses, and an owner signing in often never runs into it.
 * - A browser the account has signed in from carries a device cookie; its attempts count in a bucket of that
 *   account and that device only. Attempts from every other browser share one bucket per account. An attacker
 *   without the owner's browser can exhaust only the second, and the owner keeps signing in with the first.
 * - Each time a bucket is exhausted, its next window is twice as long (up to a day): a steady attack gets a few
 *   dozen guesses a day at an account, not hundreds.
 * - Behind a trusted proxy, which makes the client address known, each address has a bucket of its own too.
 *
 * Wrong email and wrong password look the same, in message and in time; every bucket is keyed on a hash of the
 * email, whether or not the account exists.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { queuePrefix } from "../queue/connection.ts";
import { dummyHash, verifyPassword } from "./passwords.ts";
import { createSession } from "./sessions.ts";

export const LOGIN_LIMITS = {
  /** Attempts checked per window from browsers the account has not signed in from, all together. */
  unknownDeviceAttempts: 5,
  /** Attempts checked per window from one browser the account has signed in from. */
  knownDeviceAttempts: 5,
  /** Attempts checked per window from one client address (only known behind a trusted proxy). */
  ipAttempts: 20,
  /** A bucket's first window; each exhausted window doubles the next, up to maxWindowSeconds. */
  windowSeconds: 15 * 60,
  maxWindowSeconds: 24 * 60 * 60,
  /** How long a bucket remembers that it was exhausted (and so how long its windows stay long). */
  strikeSeconds: 24 * 60 * 60,
  /** How long a browser stays known to an account after it last signed in there. */
  deviceSeconds: 90 * 24 * 60 * 60,
};

export const DEVICE_COOKIE = "posture_device";

const credentials = z.object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(1).max(256) });

export type LoginResult =
  | { ok: true; token: string; userId: string; device: string }
  | { ok: false; reason: "invalid"; message: string }
  | { ok: false; reason: "locked"; message: string; retryAfterSeconds: number };

const INVALID = { ok: false, reason: "invalid", message: "email or password is incorrect" } as const;

export interface LoginClient {
  ip: string | null;
  userAgent?: string | null;
  /** The device cookie this browser sent, if any. */
  device?: string | null;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);

// KEYS: a count key and a strike key per bucket. ARGV: window, max window, strike memory, then each bucket's
// limit. Counts every bucket, starts a new window as long as the bucket's strikes say, records a strike when a
// bucket refuses for the first time in a window, and returns the longest wait among refusing buckets (0: go on).
const COUNT = `
local base, maxw, memory = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = 0
for i = 1, #KEYS, 2 do
  local limit = tonumber(ARGV[3 + (i + 1) / 2])
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then
    local strikes = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
    redis.call('EXPIRE', KEYS[i], math.min(base * 2 ^ strikes, maxw))
  end
  if n > limit then
    if n == limit + 1 then
      redis.call('INCR', KEYS[i + 1])
      redis.call('EXPIRE', KEYS[i + 1], memory)
    end
    wait = math.max(wait, redis.call('TTL', KEYS[i]))
  end
end
return wait
`;

// Gives a successful attempt's count back, in windows that still exist (a DECR on an expired key would create
// one without an expiry).
const REFUND = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECR', KEYS[i]) end
end
return 0
`;

interface Bucket {
  key: string;
  limit: number;
}

function buckets(prefix: string, acct: string, device: string | null, ip: string | null): Bucket[] {
  const b: Bucket[] = [
    device
      ? { key: `${prefix}:login:dev:${acct}:${device}`, limit: LOGIN_LIMITS.knownDeviceAttempts }
      : { key: `${prefix}:login:acct:${acct}`, limit: LOGIN_LIMITS.unknownDeviceAttempts },
  ];
  // Without a known client address there is no per-IP bucket: one shared "unknown" bucket would let anyone
  // lock every user out.
  if (ip) b.push({ key: `${prefix}:login:ip:${sha(ip)}`, limit: LOGIN_LIMITS.ipAttempts });
  return b;
}

const knownKey = (prefix: string, acct: string, device: string) => `${prefix}:login:known:${acct}:${device}`;

/** The hash of the browser's device cookie when this account has signed in with it, else null. */
async function knownDevice(redis: Redis, prefix: string, acct: string, cookie: string | null | undefined): Promise<string | null> {
  if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return null;
  const device = sha(cookie);
  return (await redis.exists(knownKey(prefix, acct, device))) === 1 ? device : null;
}

export async function login(db: Db, redis: Redis, raw: unknown, client: LoginClient, prefix = queuePrefix()): Promise<LoginResult> {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) return INVALID;
  const { email, password } = parsed.data;
  const acct = sha(email);
  const device = await knownDevice(redis, prefix, acct, client.device);
  const counted = buckets(prefix, acct, device, client.ip);

  const keys = counted.flatMap((b) => [b.key, `${b.key}:strikes`]);
  const wait = Number(
    await redis.eval(
      COUNT,
      keys.length,
      ...keys,
      LOGIN_LIMITS.windowSeconds,
      LOGIN_LIMITS.maxWindowSeconds,
      LOGIN_LIMITS.strikeSeconds,
      ...counted.map((b) => b.limit),
    ),
  );
  if (wait > 0) {
    const later = `try again in ${Math.ceil(wait / 60)} min`;
    const message = device
      ? `too many failed sign-ins from this browser; ${later}`
      : `too many failed sign-ins to this account from browsers it has not signed in with; ${later}, or from a browser you have signed in with before`;
    return { ok: false, reason: "locked", message, retryAfterSeconds: wait };
  }

  const user = await db.user.findUnique({ where: { email } });
  const usable = user && !user.disabledAt && user.passwordHash;
  const ok = await verifyPassword(usable ? user.passwordHash! : await dummyHash(), password);
  if (!usable || !ok) return INVALID;

  await redis.eval(REFUND, counted.length, ...counted.map((b) => b.key));
  // A fresh device cookie at every sign-in (OWASP): one planted in the browser beforehand is never the one kept.
  const cookie = randomBytes(32).toString("base64url");
  const tx = redis.multi().set(knownKey(prefix, acct, sha(cookie)), "1", "EX", LOGIN_LIMITS.deviceSeconds);
  if (device) tx.del(knownKey(prefix, acct, device));
  await tx.exec();
  return { ok: true, token: await createSession(db, user.id, client), userId: user.id, device: cookie };
}

/** The Set-Cookie attributes of the device cookie: sent only to the sign-in page, never readable by scripts. */
export function deviceCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "strict" as const, secure, path: "/login", maxAge: LOGIN_LIMITS.deviceSeconds };
}
