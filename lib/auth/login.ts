/**
 * Password login with throttling: failures are counted per account and per client IP in Redis; past a
 * threshold the account (or IP) is locked for a while. Wrong email and wrong password look the same, in
 * message and in time.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { queuePrefix } from "../queue/connection.ts";
import { dummyHash, verifyPassword } from "./passwords.ts";
import { createSession } from "./sessions.ts";

export const LOGIN_LIMITS = {
  windowSeconds: 15 * 60,
  accountFailures: 5,
  ipFailures: 20,
  lockSeconds: 15 * 60,
};

const credentials = z.object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(1).max(256) });

export type LoginResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; reason: "invalid"; message: string }
  | { ok: false; reason: "locked"; message: string; retryAfterSeconds: number };

const INVALID = { ok: false, reason: "invalid", message: "email or password is incorrect" } as const;

// Without a known client address (no trusted proxy) there is no per-IP bucket: one shared "unknown" bucket
// would let anyone lock every user out with 20 bad passwords.
function keys(prefix: string, email: string, ip: string | null) {
  const acct = createHash("sha256").update(email).digest("hex").slice(0, 32);
  return {
    acctFails: `${prefix}:login:fails:acct:${acct}`,
    acctLock: `${prefix}:login:lock:acct:${acct}`,
    ipFails: ip ? `${prefix}:login:fails:ip:${ip}` : null,
    ipLock: ip ? `${prefix}:login:lock:ip:${ip}` : null,
  };
}

async function fail(redis: Redis, k: ReturnType<typeof keys>): Promise<void> {
  const tx = redis.multi().incr(k.acctFails).expire(k.acctFails, LOGIN_LIMITS.windowSeconds, "NX");
  if (k.ipFails) tx.incr(k.ipFails).expire(k.ipFails, LOGIN_LIMITS.windowSeconds, "NX");
  const replies = (await tx.exec()) ?? [];
  const acct = Number(replies[0]?.[1] ?? 0);
  const ipCount = Number(replies[2]?.[1] ?? 0);
  if (acct >= LOGIN_LIMITS.accountFailures) await redis.set(k.acctLock, "1", "EX", LOGIN_LIMITS.lockSeconds);
  if (k.ipLock && ipCount >= LOGIN_LIMITS.ipFailures) await redis.set(k.ipLock, "1", "EX", LOGIN_LIMITS.lockSeconds);
}

export async function login(db: Db, redis: Redis, raw: unknown, client: { ip: string | null; userAgent?: string | null }, prefix = queuePrefix()): Promise<LoginResult> {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) return INVALID;
  const { email, password } = parsed.data;
  const k = keys(prefix, email, client.ip);

  const [acctTtl, ipTtl] = await Promise.all([redis.ttl(k.acctLock), k.ipLock ? redis.ttl(k.ipLock) : Promise.resolve(-2)]);
  const locked = Math.max(acctTtl, ipTtl);
  if (locked > 0) return { ok: false, reason: "locked", message: "too many failed sign-ins; try again later", retryAfterSeconds: locked };

  const user = await db.user.findUnique({ where: { email } });
  const usable = user && !user.disabledAt && user.passwordHash;
  const ok = await verifyPassword(usable ? user.passwordHash! : await dummyHash(), password);
  if (!usable || !ok) {
    await fail(redis, k);
    return INVALID;
  }
  await redis.del(k.acctFails);
  return { ok: true, token: await createSession(db, user.id, client), userId: user.id };
}
