import "server-only";
import type { Redis } from "ioredis";
import { cachedAggregate, type DashboardCache, ENTRY_TTL_SECONDS, listenForChanges, viewKey } from "../dashboard/cache.ts";
import type { Visibility } from "../findings/visibility.ts";
import { createDb, databaseUrl, type Db } from "../db/client.ts";
import { queuePrefix, redisConnection } from "../queue/connection.ts";
import { createQueues, type Queues } from "../queue/queues.ts";

// One database pool and one queue connection per server process (kept across dev reloads).
const g = globalThis as unknown as {
  __postureDb?: Db;
  __postureQueues?: Queues;
  __postureRedis?: Redis;
  __postureDashboardCache?: DashboardCache;
};

export function getDb(): Db {
  return (g.__postureDb ??= createDb(databaseUrl()));
}

export function getQueues(): Queues {
  return (g.__postureQueues ??= createQueues({ role: "producer" }));
}

/** Plain Redis for the web app's own state (login throttling); fails fast while Redis is down. */
export function getRedis(): Redis {
  if (!g.__postureRedis) {
    g.__postureRedis = redisConnection("state");
    g.__postureRedis.on("error", () => undefined);
  }
  return g.__postureRedis;
}

/**
 * The dashboard panels' shared cache (lib/dashboard/cache.ts). Its connection fails fast: while Redis is down a
 * panel is counted for the request instead of waiting. The first use starts this process's listener for the
 * database's change announcements, which invalidates the cache for every process.
 */
export function getDashboardCache(): DashboardCache {
  if (!g.__postureDashboardCache) {
    const redis = redisConnection("producer");
    redis.on("error", () => undefined);
    g.__postureDashboardCache = { redis, prefix: queuePrefix() };
    listenForChanges(databaseUrl(), g.__postureDashboardCache, (e) => console.error(`posture: dashboard cache listener: ${e.message}`));
  }
  return g.__postureDashboardCache;
}

/**
 * A view's aggregate from the shared dashboard cache: keyed by the panel, the view's parameters and whose figures
 * they are (viewKey), recounted by `run` after any change. `dates`: the value holds Dates (cachedAggregate).
 */
export function sharedView<T>(
  panel: string,
  params: unknown,
  visibility: Visibility,
  run: () => Promise<T>,
  opts: { dates?: boolean } = {},
): Promise<T> {
  return cachedAggregate(getDashboardCache(), viewKey(panel, params, visibility), run, ENTRY_TTL_SECONDS, opts);
}
