/** Panels whose figures hold Dates (the SLA due list, accepted risks) come back from the shared cache as Dates. */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { cacheStats, cachedAggregate } from "../../lib/dashboard/cache.ts";
import { REDIS_URL, useQueuePrefix } from "../support/queue.ts";

const prefix = useQueuePrefix("cache-dates");
const redis = new Redis(REDIS_URL);
afterAll(() => redis.disconnect());

describe("the dashboard cache and Dates", () => {
  it("revives exact ISO timestamps on a hit when the panel asks, and leaves day labels and other text alone", async () => {
    const cache = { redis, prefix };
    const value = { dueAt: new Date("2026-06-14T08:30:00.000Z"), day: "2026-11-23", message: "fixed 2026-06-14T08:30:00.000Z ago", n: 3 };
    const run = async () => value;
    const hitsBefore = cacheStats.hits;
    expect(await cachedAggregate(cache, "dated", run, 60, { dates: true })).toBe(value);
    const hit = await cachedAggregate(cache, "dated", run, 60, { dates: true });
    expect(cacheStats.hits).toBe(hitsBefore + 1);
    expect(hit.dueAt).toBeInstanceOf(Date);
    expect(hit.dueAt.getTime()).toBe(value.dueAt.getTime());
    expect(hit).toMatchObject({ day: "2026-11-23", message: value.message, n: 3 });
    // Without the option an entry is plain JSON, as the overview's panels are.
    await cachedAggregate(cache, "plain", run);
    expect((await cachedAggregate(cache, "plain", run)).dueAt).toBe("2026-06-14T08:30:00.000Z");
  });
});
