/**
 * The dashboard's aggregate panels, cached in Redis and shared by every web process (issue 17 §3).
 *
 * An entry is keyed by the panel's own key, which must say whose figures they are (visibilityKey / accessKey:
 * the reader's scope, disabled checks, counted contexts), and by a generation. The database announces every
 * committed change that can move a figure (prisma/migrations/20261204010000_dashboard_notify: findings, their
 * events, settings, checks, policies, repositories and finished scans) with NOTIFY posture_dashboard, which
 * PostgreSQL delivers only after the commit; each web process listens and bumps the shared generation, so the
 * next request of any process misses and recounts. NOTIFY carries no snapshot race: a panel counted from a
 * snapshot older than the commit is stored under the old generation, which nobody reads any more.
 *
 * Figures that depend on the clock as well as on the data (overdue, today's trend point, coverage in the last
 * 24 h) may be as old as the entry's time to live: ENTRY_TTL_SECONDS, or what the panel asks for.
 * Entries are JSON: a panel whose result holds Dates asks for `dates`, and every string that is exactly an ISO
 * timestamp (what JSON makes of a Date) comes back as a Date; day labels ("2026-11-23") stay strings. When Redis
 * is down the panel is counted for the request, as it was before the cache.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import pg from "pg";
import { type Visibility, visibilityKey } from "../findings/visibility.ts";
import { singleFlight } from "./shared.ts";

export const DASHBOARD_CHANNEL = "posture_dashboard";
/** How long an entry lives without a change: bounds how old a clock-dependent figure can be. */
export const ENTRY_TTL_SECONDS = 60;
/** Scan coverage over days: each finished scan invalidates it anyway; only its windows' slide is left to the clock. */
export const COVERAGE_TTL_SECONDS = 300;

export interface DashboardCache {
  redis: Redis;
  /** Key prefix (POSTURE_QUEUE_PREFIX): one Redis may serve several installations and test runs. */
  prefix: string;
}

const generationKey = (c: DashboardCache) => `${c.prefix}:dashboard:generation`;

/** Counters of this process's lookups, for the benchmark and tests. */
export const cacheStats = { hits: 0, misses: 0, errors: 0 };

/**
 * The panel's value: from the shared cache when an entry of the current generation exists, else counted once
 * per process at a time (singleFlight) and stored.
 */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const reviveDates = (_key: string, v: unknown) => (typeof v === "string" && ISO_TIMESTAMP.test(v) ? new Date(v) : v);

export async function cachedAggregate<T>(
  cache: DashboardCache | null,
  key: string,
  run: () => Promise<T>,
  ttlSeconds = ENTRY_TTL_SECONDS,
  opts: { dates?: boolean } = {},
): Promise<T> {
  if (!cache) return singleFlight(key, run);
  return singleFlight(`cached:${key}`, async () => {
    let entryKey: string | null = null;
    try {
      const generation = (await cache.redis.get(generationKey(cache))) ?? "0";
      entryKey = `${cache.prefix}:dashboard:${generation}:${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
      const hit = await cache.redis.get(entryKey);
      if (hit !== null) {
        cacheStats.hits++;
        return (opts.dates ? JSON.parse(hit, reviveDates) : JSON.parse(hit)) as T;
      }
    } catch {
      cacheStats.errors++;
      entryKey = null;
    }
    cacheStats.misses++;
    const value = await run();
    // A value JSON cannot hold (a BigInt) is served uncached rather than failing the page.
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      cacheStats.errors++;
    }
    if (entryKey && json !== undefined) await cache.redis.set(entryKey, json, "EX", ttlSeconds).catch(() => cacheStats.errors++);
    return value;
  });
}

/** The key of a view's panel: the panel, the view's parameters and whose figures they are. */
export function viewKey(panel: string, params: unknown, visibility: Visibility): string {
  return `${panel}:${JSON.stringify(params)}:${visibilityKey(visibility)}`;
}

/** Makes every entry stale: the next lookup of any process recounts. */
export async function invalidateDashboard(cache: DashboardCache): Promise<void> {
  await cache.redis.incr(generationKey(cache));
}

/**
 * Listens for the database's change announcements and invalidates on each; reconnects after a lost connection
 * (invalidating then too, as a change may have come meanwhile). Returns a function that stops it.
 */
export function listenForChanges(databaseUrl: string, cache: DashboardCache, onError: (e: Error) => void = () => {}): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  // A bump that cannot reach Redis (not connected yet, restarting) is tried again: an entry counted before the
  // change must not outlive it.
  let retrying = false;
  const bump = (): Promise<void> =>
    invalidateDashboard(cache).catch((e: Error) => {
      if (retrying || stopped) return;
      onError(e);
      retrying = true;
      setTimeout(() => {
        retrying = false;
        void bump();
      }, 1000).unref();
    });
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrl });
    client = c;
    c.on("notification", bump);
    c.on("error", (e) => {
      onError(e);
      retry();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${DASHBOARD_CHANNEL}`);
      // Changes committed while nobody listened (start, reconnect) are not announced again.
      await bump();
    } catch (e) {
      onError(e as Error);
      retry();
    }
  };
  const retry = () => {
    const c = client;
    client = null;
    c?.end().catch(() => undefined);
    if (!stopped && !timer)
      timer = setTimeout(() => {
        timer = null;
        void connect();
      }, 1000);
  };
  void connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await client?.end().catch(() => undefined);
  };
}
