import "server-only";
import type { Redis } from "ioredis";
import { createDb, databaseUrl, type Db } from "../db/client.ts";
import { redisConnection } from "../queue/connection.ts";
import { createQueues, type Queues } from "../queue/queues.ts";

// One database pool and one queue connection per server process (kept across dev reloads).
const g = globalThis as unknown as { __postureDb?: Db; __postureQueues?: Queues; __postureRedis?: Redis };

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
