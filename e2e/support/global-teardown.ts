import { existsSync, rmSync } from "node:fs";
import { Redis } from "ioredis";
import { dropDatabase } from "../../lib/db/migrate.ts";
import { killGroup, readState, STATE_FILE } from "./stack.ts";

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const state = readState();
  for (const pid of state.pids) killGroup(pid);
  await new Promise((r) => setTimeout(r, 1500));
  for (const pid of state.pids) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* stopped */
    }
  }
  await dropDatabase(state.databaseUrl);
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${state.queuePrefix}:*`, "COUNT", 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
  rmSync(state.workDir, { recursive: true, force: true });
}
