import "server-only";
import { createDb, databaseUrl, type Db } from "../db/client.ts";
import { createQueues, type Queues } from "../queue/queues.ts";

// One database pool and one queue connection per server process (kept across dev reloads).
const g = globalThis as unknown as { __postureDb?: Db; __postureQueues?: Queues };

export function getDb(): Db {
  return (g.__postureDb ??= createDb(databaseUrl()));
}

export function getQueues(): Queues {
  return (g.__postureQueues ??= createQueues({ role: "producer" }));
}
