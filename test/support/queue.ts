import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A Redis key prefix of its own for one test file; its keys are deleted afterwards. */
export function useQueuePrefix(label = "q"): string {
  const prefix = `posture-test-${label}-${process.pid}-${randomBytes(4).toString("hex")}`;
  afterAll(async () => {
    const r = new Redis(REDIS_URL);
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== "0");
    r.disconnect();
  });
  return prefix;
}
