/**
 * One webhook delivery, from the bytes received to what it asks for (POST /api/v1/hooks/github and /gitlab):
 *  1. size-limited (MAX_HOOK_BYTES, 413) and rate-limited per client address (429, before any work);
 *  2. verified against the webhook secret of each connection of that forge (lib/hooks/verify.ts): none
 *     matches → 401 with no detail (which connection exists, or why it failed, is not said);
 *  3. rate-limited per connection, and deduplicated by the forge's delivery id (a redelivery or replay of one
 *     already acted on answers 200 with what was done then);
 *  4. parsed (lib/hooks/events.ts): a repository the connection did not register answers 202 and is ignored,
 *     as is any event or branch Posture does not scan;
 *  5. a push to the tracked branch asks for a scan of that commit (lib/hooks/push.ts); an opened or updated
 *     pull/merge request for a change scan (lib/changes/run.ts). Nothing slow happens here: the work is queued.
 * Answers are JSON: { outcome } or { error: { code, message } }.
 */
import type { Redis } from "ioredis";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/client.ts";
import { QueueUnavailableError, type Queues } from "../queue/queues.ts";
import { requestChangeScan } from "../changes/run.ts";
import { openWebhookSecret } from "../connections/service.ts";
import { HookPayloadError, parseHookEvent, type HookEvent } from "./events.ts";
import { requestPushScan } from "./push.ts";
import { deliveryId, eventName, verifyDelivery, type HookForge } from "./verify.ts";
import { DAY_MS } from "../time.ts";

/** GitHub caps payloads at 25 MB, but what Posture reads is at the top of any of them. */
export const MAX_HOOK_BYTES = 10 * 1024 * 1024;
export const HOOK_LIMITS = { windowSeconds: 60, perAddress: 600, perConnection: 600 };

export interface HookAnswer {
  status: number;
  body: { outcome: string; duplicate?: boolean } | { error: { code: string; message: string } };
  headers?: Record<string, string>;
}

export interface HookDeps {
  db: Db;
  queues: Queues;
  redis: Redis;
  /** Key prefix for the rate-limit counters (the queue prefix). */
  prefix: string;
}

export interface Delivery {
  headers: Headers;
  body: Uint8Array;
  /** The client's address when a trusted proxy says it (lib/security/forwarded.ts); null otherwise. */
  ip: string | null;
}

const fail = (status: number, code: string, message: string, headers?: Record<string, string>): HookAnswer => ({
  status,
  body: { error: { code, message } },
  headers,
});
const done = (status: number, outcome: string, extra: { duplicate?: boolean } = {}): HookAnswer => ({
  status,
  body: { outcome, ...extra },
});

/**
 * How long a delivery id is remembered. GitHub lets a delivery be redelivered for 3 days, GitLab retries within
 * hours: a month covers both with room, and keeps the table small.
 */
export const DELIVERY_MEMORY_DAYS = 30;

/** Forgets deliveries older than DELIVERY_MEMORY_DAYS (the worker's housekeeping); returns how many. */
export async function pruneDeliveries(db: Db, now = new Date()): Promise<number> {
  return (await db.webhookDelivery.deleteMany({ where: { receivedAt: { lt: new Date(now.getTime() - DELIVERY_MEMORY_DAYS * DAY_MS) } } }))
    .count;
}

/** Counts one request in the current window; true when the bucket is over its limit. */
async function limited(redis: Redis, key: string, limit: number): Promise<boolean> {
  const n = await redis.incr(key);
  if (n === 1) await redis.expire(key, HOOK_LIMITS.windowSeconds);
  return n > limit;
}

/** Reads a request body of at most `max` bytes; null when it is larger. */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | null,
  max = MAX_HOOK_BYTES,
): Promise<Uint8Array | null> {
  if (Number(declaredLength ?? 0) > max) return null;
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** JSON, or GitHub's form encoding (payload=<json>) when the hook was set up with it. */
function payload(headers: Headers, body: Uint8Array): unknown {
  const text = Buffer.from(body).toString("utf8");
  if ((headers.get("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded"))
    return JSON.parse(new URLSearchParams(text).get("payload") ?? "");
  return JSON.parse(text);
}

export async function receiveHook(deps: HookDeps, forge: HookForge, delivery: Delivery): Promise<HookAnswer> {
  const { db, redis, prefix } = deps;
  const window = Math.floor(Date.now() / 1000 / HOOK_LIMITS.windowSeconds);
  try {
    if (await limited(redis, `${prefix}:hooks:address:${delivery.ip ?? "unknown"}:${window}`, HOOK_LIMITS.perAddress))
      return fail(429, "rate_limited", "too many webhook deliveries; try again in a minute", {
        "retry-after": String(HOOK_LIMITS.windowSeconds),
      });
  } catch {
    return fail(503, "unavailable", "webhooks cannot be accepted right now (Redis is unavailable); the forge can redeliver");
  }

  const candidates = await db.forgeConnection.findMany({
    where: { forge },
    select: { id: true, webhookKeyId: true, webhookSealed: true },
    orderBy: { createdAt: "asc" },
  });
  let connectionId: string | null = null;
  for (const c of candidates) {
    let secret: string;
    try {
      secret = openWebhookSecret(c);
    } catch {
      // Sealed with a key this process no longer has: that connection's secret must be replaced.
      continue;
    }
    if (verifyDelivery(forge, secret, delivery.body, delivery.headers)) {
      connectionId = c.id;
      break;
    }
  }
  if (!connectionId) return fail(401, "unauthorized", "unauthorized");

  try {
    if (await limited(redis, `${prefix}:hooks:connection:${connectionId}:${window}`, HOOK_LIMITS.perConnection))
      return fail(429, "rate_limited", "too many webhook deliveries for this connection; try again in a minute", {
        "retry-after": String(HOOK_LIMITS.windowSeconds),
      });
  } catch {
    return fail(503, "unavailable", "webhooks cannot be accepted right now (Redis is unavailable); the forge can redeliver");
  }
  const id = deliveryId(forge, delivery.headers);
  if (!id)
    return fail(
      400,
      "invalid_input",
      forge === "github"
        ? "the delivery has no X-GitHub-Delivery header"
        : "the delivery has no Idempotency-Key or X-Gitlab-Event-UUID header",
    );
  const event = eventName(forge, delivery.headers);
  const key = `${forge}:${id}`;
  try {
    await db.webhookDelivery.create({ data: { id: key, connectionId, event, outcome: "received" } });
  } catch (e) {
    if (isUniqueViolation(e)) {
      const seen = await db.webhookDelivery.findUnique({ where: { id: key }, select: { outcome: true } });
      return done(200, seen?.outcome ?? "received", { duplicate: true });
    }
    throw e;
  }
  const settle = async (a: HookAnswer) => {
    const outcome = "outcome" in a.body ? a.body.outcome : `refused: ${a.body.error.message}`;
    await db.webhookDelivery.update({ where: { id: key }, data: { outcome: outcome.slice(0, 500) } });
    return a;
  };

  let parsed: HookEvent;
  try {
    parsed = parseHookEvent(forge, event, payload(delivery.headers, delivery.body));
  } catch (e) {
    if (e instanceof HookPayloadError) return settle(fail(400, "invalid_payload", e.message));
    if (e instanceof SyntaxError) return settle(fail(400, "invalid_json", "the body is not JSON"));
    throw e;
  }
  try {
    return await settle(await act(deps, connectionId, parsed));
  } catch (e) {
    if (e instanceof QueueUnavailableError) {
      // Nothing was done: a redelivery of this one must be acted on.
      await db.webhookDelivery.delete({ where: { id: key } }).catch(() => undefined);
      return fail(503, "queue_unavailable", e.message);
    }
    throw e;
  }
}

async function act(deps: HookDeps, connectionId: string, e: HookEvent): Promise<HookAnswer> {
  const { db, queues } = deps;
  if (e.kind === "ping") return done(200, "pong");
  if (e.kind === "unsupported") return done(202, `ignored: Posture does not act on ${e.name || "this"} events`);
  const link = await db.forgeRepository.findUnique({
    where: { connectionId_forgeId: { connectionId, forgeId: e.repositoryId } },
    include: { repository: { select: { id: true, branch: true, archivedAt: true } } },
  });
  if (!link) return done(202, "ignored: unknown repository");
  if (link.repository.archivedAt) return done(202, "ignored: the repository is archived in Posture");
  if (e.kind === "push") {
    if (e.defaultBranch && e.defaultBranch !== link.defaultBranch)
      await db.forgeRepository.update({ where: { id: link.id }, data: { defaultBranch: e.defaultBranch } });
    const tracked = link.repository.branch ?? e.defaultBranch ?? link.defaultBranch;
    if (!e.branch || e.branch !== tracked) return done(202, `ignored: not the tracked branch (${tracked ?? "the default branch"})`);
    if (!e.sha) return done(202, "ignored: the branch was deleted");
    return done(202, `push ${e.sha.slice(0, 12)}: ${await requestPushScan(db, queues, link.repository.id, e.sha)}`);
  }
  if (e.action !== "scan") return done(202, `ignored: the change was ${e.action === "closed" ? "closed" : "not updated"}`);
  const r = await requestChangeScan(db, queues, link.repository.id, e);
  return done(202, `change ${e.number} at ${e.head.sha.slice(0, 12)}: ${r.outcome}`);
}
