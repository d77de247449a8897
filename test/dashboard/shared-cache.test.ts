/**
 * Issue 17 §3: the overview's panels are cached in Redis for every web process, and a change made through one
 * process is seen on the other's overview. Two processes (test/support/dashboard-process.ts) share this file's
 * database and Redis prefix; each listens for the database's change announcements.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSettings } from "../../lib/settings.ts";
import { useTestDatabase } from "../support/db.ts";
import { REDIS_URL, useQueuePrefix } from "../support/queue.ts";
import { catalogue, finding, repository, team, TODAY } from "./lifecycle-fixtures.ts";

const t = useTestDatabase("cache");
const prefix = useQueuePrefix("cache");
const procs: ChildProcess[] = [];
const ports: number[] = [];
let id = "";

function start(): Promise<number> {
  const root = join(import.meta.dirname, "..", "..");
  const p = spawn(process.execPath, ["--import", "tsx", join(root, "test/support/dashboard-process.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: t.url, REDIS_URL, CACHE_PREFIX: prefix },
    stdio: ["ignore", "pipe", "inherit"],
  });
  procs.push(p);
  return new Promise((resolve, reject) => {
    p.stdout!.once("data", (b: Buffer) => resolve(Number(b.toString().trim())));
    p.once("exit", (code) => reject(new Error(`dashboard process exited with ${code}`)));
  });
}

type Overview = { open: Record<string, number>; stats: { hits: number; misses: number } };
const overview = async (port: number): Promise<Overview> => (await fetch(`http://127.0.0.1:${port}/overview`)).json() as Promise<Overview>;

beforeAll(async () => {
  await catalogue(t.db);
  const repo = await repository(t.db, (await team(t.db, "cache-team")).id, "cache-repo");
  id = await finding(t.db, { repositoryId: repo.id, severity: "high", steps: [[TODAY, "detected", "open"]] });
  await finding(t.db, { repositoryId: repo.id, severity: "low", steps: [[TODAY, "detected", "open"]] });
  // The settings row exists before the processes start (its first read creates it, which is a change).
  await getSettings(t.db);
  ports.push(await start(), await start());
  // Each process announces itself by invalidating once its listener is up; give both a moment to be listening.
  await new Promise((r) => setTimeout(r, 500));
}, 60_000);

afterAll(async () => {
  for (const p of procs) {
    if (p.exitCode !== null) continue;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await gone;
  }
});

describe("shared dashboard cache across web processes", () => {
  it("serves one process's count to the other, and shows a change made through one on the other's overview", async () => {
    const [a, b] = ports as [number, number];
    const first = await overview(a);
    expect(first.open).toEqual({ critical: 0, high: 1, medium: 0, low: 1 });
    expect(first.stats.misses).toBe(1);
    // B never counted this panel: the entry A stored is B's hit.
    const fromB = await overview(b);
    expect(fromB.open).toEqual(first.open);
    expect(fromB.stats).toMatchObject({ hits: 1, misses: 0 });

    await fetch(`http://127.0.0.1:${a}/triage?id=${id}`);
    // The announcement arrives after the commit, within milliseconds; B's next overview counts afresh.
    let seen: Overview | null = null;
    for (let i = 0; i < 50 && !seen; i++) {
      const o = await overview(b);
      if (o.open.high === 0) seen = o;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen?.open).toEqual({ critical: 0, high: 0, medium: 0, low: 1 });
    expect(seen!.stats.misses).toBe(1);
    // And A reads what B counted.
    const back = await overview(a);
    expect(back.open).toEqual(seen!.open);
    expect(back.stats.hits).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
