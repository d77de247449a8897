import "server-only";
import { Redis } from "ioredis";
import { createDb, databaseUrl, type Db } from "../db/client.ts";
import { redisUrl } from "../queue/connection.ts";
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
    // Unlike the queue producers, commands may wait for the first connect (an offline queue), but give up
    // after one retry, so a sign-in fails with a message instead of hanging while Redis is down.
    g.__postureRedis = new Redis(redisUrl(), { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    g.__postureRedis.on("error", () => undefined);
  }
  return g.__postureRedis;
}
