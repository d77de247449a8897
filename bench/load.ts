/**
 * The dashboard under load while an org-wide rescan runs (npm run bench:load [-- --no-report]):
 *  1. a scratch database and queue prefix, LOAD_REPOS generated git repositories registered and scanned once;
 *  2. a production build in .next-load (LOAD_SKIP_BUILD=1 reuses it), `next start` on 127.0.0.1:LOAD_PORT and
 *     LOAD_WORKERS real worker processes;
 *  3. idle: LOAD_CONNECTIONS concurrent signed-in users (autocannon, one instance per page, the connections split
 *     between them) for LOAD_SECONDS;
 *  4. load: a new commit in every repository, then POST /api/v1/scans/rescan-all (a security lead's write token)
 *     and the same load until every rescan has finished (at least LOAD_SECONDS, at most LOAD_MAX_SECONDS);
 *  5. expected: zero errors and non-2xx, p95 under load within 2x the idle p95; written to docs/RELIABILITY.md.
 * Everything it creates (database, Redis keys, repositories, processes) is removed at the end, also on Ctrl-C.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { z } from "zod";
import type { Actor } from "../lib/audit.ts";
import { issueToken } from "../lib/auth/tokens.ts";
import { createUser } from "../lib/auth/users.ts";
import { syncCatalogue } from "../lib/catalogue.ts";
import { RULES_DIR } from "../lib/config.ts";
import { createDb, type Db, type ScanTrigger } from "../lib/db/client.ts";
import { dropDatabase, ensureDatabase, migrate } from "../lib/db/migrate.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { createQueues, type Queues } from "../lib/queue/queues.ts";
import { registerRepository } from "../lib/repos/service.ts";
import { ACTIVE_SCAN_STATUSES, enqueueScan, type RescanSummary } from "../lib/scan/enqueue.ts";
import { benchSessionCookie, fmt, percentile, probe, startAutocannon, type AutocannonResult } from "./dashboard.ts";
import { generateRepository, git } from "./generate.ts";
import { cpuTimes, machine, writeSection } from "./report.ts";

const ROOT = join(import.meta.dirname, "..");
const DIST_DIR = ".next-load";
const RELIABILITY_MD = new URL("../docs/RELIABILITY.md", import.meta.url);
const RELIABILITY_HEADER = "# Reliability\n\nEach section below is written by the command named in it; rerun that command to refresh it.\n";
const ADMIN_EMAIL = "admin@posture-load.example.com";
const LEAD_EMAIL = "lead@posture-load.example.com";
const TERMINAL = ["succeeded", "failed", "unchanged"] as const;

// What 50 dashboard users look at most: the overview, the heatmap and the findings list (filtered and default).
const PAGES = [
  { name: "overview", path: "/" },
  { name: "heatmap", path: "/heatmap" },
  { name: "findings: severity=high, sort -dueAt", path: "/findings?severity=high&sort=-dueAt" },
  { name: "findings (default view)", path: "/findings" },
] as const;

const envSchema = z.object({
  BENCH_PG_URL: z.string().default("postgresql://postgres@127.0.0.1:5432"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  LOAD_PORT: z.coerce.number().int().min(1024).max(65535).default(3190),
  LOAD_CONNECTIONS: z.coerce.number().int().min(PAGES.length).max(1000).default(50),
  LOAD_SECONDS: z.coerce.number().int().min(5).max(600).default(20),
  LOAD_WARMUP_SECONDS: z.coerce.number().int().min(0).max(120).default(5),
  LOAD_MAX_SECONDS: z.coerce.number().int().min(5).max(3600).default(600),
  LOAD_REPOS: z.coerce.number().int().min(1).max(5000).default(200),
  LOAD_REPO_FILES: z.coerce.number().int().min(1).max(5000).default(40),
  LOAD_WORKERS: z.coerce.number().int().min(1).max(8).default(1),
  LOAD_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  LOAD_SKIP_BUILD: z.enum(["0", "1", ""]).default(""),
});
type Config = z.infer<typeof envSchema>;

const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything to undo, in the order it was created; cleanup() runs it once, also on Ctrl-C. */
class Resources {
  procs: { name: string; child: ChildProcess }[] = [];
  db?: Db;
  queues?: Queues;
  redis?: Redis;
  databaseUrl?: string;
  prefix?: string;
  work?: string;
  private cleaning?: Promise<void>;

  /** Runs once; every caller (the normal end, Ctrl-C, an unexpected rejection) waits for the same run. */
  cleanup(): Promise<void> {
    return (this.cleaning ??= this.undo());
  }

  private async undo(): Promise<void> {
    // The server and workers first: they hold database connections and Redis keys.
    for (const { child } of this.procs) stopGroup(child, "SIGTERM");
    const exited = (c: ChildProcess) =>
      c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once("exit", () => r()));
    await Promise.race([Promise.all(this.procs.map((p) => exited(p.child))), sleep(15_000)]);
    for (const { child } of this.procs) if (child.exitCode === null && child.signalCode === null) stopGroup(child, "SIGKILL");
    await this.queues?.close().catch(() => undefined);
    await this.db?.$disconnect().catch(() => undefined);
    if (this.databaseUrl)
      await dropDatabase(this.databaseUrl).catch((e) => console.error(`dropping ${this.databaseUrl}: ${(e as Error).message}`));
    if (this.redis && this.prefix) {
      try {
        let n = 0;
        for await (const keys of this.redis.scanStream({ match: `${this.prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
          if (keys.length) n += await this.redis.del(...keys);
        }
        log(`cleanup: removed ${n} Redis keys under ${this.prefix}:`);
      } catch (e) {
        console.error(`removing Redis keys ${this.prefix}:*: ${(e as Error).message}`);
      }
      this.redis.disconnect();
    }
    if (this.work) rmSync(this.work, { recursive: true, force: true });
  }
}

/** Children run in their own process group (detached), so `next start` and anything it spawns stop together. */
function stopGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

function startChild(
  res: Resources,
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  res.procs.push({ name, child });
  const out = createWriteStream(logFile);
  let text = "";
  const keep = (d: Buffer) => {
    out.write(d);
    text += d.toString();
    if (text.length > 1_000_000) text = text.slice(-500_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.once("exit", () => out.end());
  return { child, output: () => text };
}

async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

/**
 * A POST without a response deadline: rescan-all answers once every scan is queued, which under this load can
 * take longer than fetch's fixed 300 s wait for response headers.
 */
function post(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { authorization: `Bearer ${token}` } }, (r) => {
      let body = "";
      r.setEncoding("utf8");
      r.on("data", (d: string) => (body += d));
      r.on("end", () => resolve({ status: r.statusCode ?? 0, body }));
      r.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const finished = (db: Db, trigger: ScanTrigger) => db.scan.count({ where: { trigger, status: { in: [...TERMINAL] } } });
const active = (db: Db, trigger: ScanTrigger) => db.scan.count({ where: { trigger, status: { in: [...ACTIVE_SCAN_STATUSES] } } });

interface PageStats {
  name: string;
  path: string;
  connections: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  redirects: number;
  statuses: string;
}

interface Phase {
  seconds: number;
  pages: PageStats[];
  all: PageStats;
  load: [number, number];
  cpu: number;
}

/**
 * LOAD_CONNECTIONS connections split over the pages, all running at once; runs `seconds`, or, with `until`,
 * from `seconds` on until `until()` says so (checked twice a second) or `maxSeconds` has passed.
 */
async function loadPhase(
  base: string,
  cookie: string,
  cfg: Config,
  seconds: number,
  until?: { done: () => Promise<boolean>; maxSeconds: number },
): Promise<Phase> {
  const loadBefore = loadavg()[0]!;
  const cpuBefore = cpuTimes();
  const started = performance.now();
  const share = (i: number) => Math.floor(cfg.LOAD_CONNECTIONS / PAGES.length) + (i < cfg.LOAD_CONNECTIONS % PAGES.length ? 1 : 0);
  const runs = PAGES.map((page, i) => {
    const times: number[] = [];
    const statuses = new Map<number, number>();
    const run = startAutocannon(base + page.path, cookie, share(i), until ? until.maxSeconds : seconds, (ms, status) => {
      times.push(ms);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    return { page, connections: share(i), times, statuses, run };
  });
  let stopper: Promise<void> = Promise.resolve();
  if (until) {
    stopper = (async () => {
      await sleep(seconds * 1000);
      while ((performance.now() - started) / 1000 < until.maxSeconds && !(await until.done())) await sleep(500);
      for (const r of runs) r.run.stop();
    })();
  }
  const results: AutocannonResult[] = await Promise.all(runs.map((r) => r.run.result));
  await stopper;
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuTimes();
  const stats = (
    name: string,
    path: string,
    connections: number,
    times: number[],
    statuses: Map<number, number>,
    rs: AutocannonResult[],
  ): PageStats => {
    const sorted = [...times].sort((a, b) => a - b);
    return {
      name,
      path,
      connections,
      requests: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      errors: rs.reduce((n, r) => n + r.errors + r.timeouts, 0),
      non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
      redirects: [...statuses].reduce((n, [s, c]) => n + (s >= 300 && s < 400 ? c : 0), 0),
      statuses: [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(" "),
    };
  };
  const pages = runs.map((r, i) => stats(r.page.name, r.page.path, r.connections, r.times, r.statuses, [results[i]!]));
  const allStatuses = new Map<number, number>();
  for (const r of runs) for (const [s, n] of r.statuses) allStatuses.set(s, (allStatuses.get(s) ?? 0) + n);
  const all = stats(
    "all pages",
    "",
    cfg.LOAD_CONNECTIONS,
    runs.flatMap((r) => r.times),
    allStatuses,
    results,
  );
  return {
    seconds: elapsed,
    pages,
    all,
    load: [loadBefore, loadavg()[0]!],
    cpu: (100 * (cpuAfter.busy - cpuBefore.busy)) / Math.max(1, cpuAfter.total - cpuBefore.total),
  };
}

function printPhase(label: string, p: Phase) {
  log(
    `${label}: ${p.seconds.toFixed(1)} s, load average ${p.load[0].toFixed(2)} → ${p.load[1].toFixed(2)}, machine CPU ${p.cpu.toFixed(0)}% busy`,
  );
  for (const s of [...p.pages, p.all]) {
    console.log(
      `  ${s.name}: ${s.requests} requests, p50 ${fmt(s.p50)}, p95 ${fmt(s.p95)}, p99 ${fmt(s.p99)}, errors ${s.errors}, non-2xx ${s.non2xx}${s.redirects ? ` (${s.redirects} redirects: AUTH FAILED?)` : ""} [${s.statuses}]`,
    );
  }
}

async function main() {
  let noReport = false;
  try {
    noReport = !!parseArgs({ options: { "no-report": { type: "boolean" } }, strict: true }).values["no-report"];
  } catch (e) {
    console.error(`bench:load: ${(e as Error).message}`);
    process.exit(2);
  }
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    console.error(`bench:load: ${i.path.join(".")}: ${i.message}`);
    process.exit(2);
  }
  const cfg = parsed.data;
  const base = `http://127.0.0.1:${cfg.LOAD_PORT}`;
  // Another server on the port would be measured instead of ours.
  const taken = await fetch(base, { redirect: "manual" }).then(
    () => true,
    () => false,
  );
  if (taken) {
    console.error(`bench:load: something already answers on ${base}; stop it or set LOAD_PORT`);
    process.exit(2);
  }

  const res = new Resources();
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: cleaning up`);
      void res.cleanup().finally(() => process.exit(130));
    });
  }
  // Whatever goes wrong, the server, workers, database and keys must not outlive this process.
  process.once("unhandledRejection", (e) => {
    interrupted = true;
    console.error(`bench:load failed: ${(e as Error).stack ?? e}`);
    void res.cleanup().finally(() => process.exit(1));
  });

  const id = String(process.pid);
  const databaseUrl = `${cfg.BENCH_PG_URL}/posture_load_${id}`;
  const prefix = `posture-load-${id}`;
  const work = mkdtempSync(join(tmpdir(), `posture-load-${id}-`));
  Object.assign(res, { databaseUrl, prefix, work });
  // The bench's repositories are local: they must be under the one folder local repositories may be in.
  process.env.POSTURE_LOCAL_REPOS_ROOT = work;
  // The worker and web app it starts refuse to start without one (lib/credentials/key.ts); the bench stores no credential.
  process.env.POSTURE_SECRET_KEY ||= "posture-bench-key-not-secret-0123456789abcdef";
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: cfg.REDIS_URL,
    POSTURE_QUEUE_PREFIX: prefix,
    POSTURE_ALLOW_LOCAL_REPOS: "1",
    POSTURE_WORKER_CONCURRENCY: String(cfg.LOAD_WORKER_CONCURRENCY),
    NEXT_DIST_DIR: DIST_DIR,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  let failedRun = false;
  const logs: string[] = [];
  try {
    // 1. Build once into its own directory (never the default .next).
    let buildSeconds: number | undefined;
    if (cfg.LOAD_SKIP_BUILD === "1" && existsSync(join(ROOT, DIST_DIR, "BUILD_ID"))) {
      log(`build: reusing ${DIST_DIR} (LOAD_SKIP_BUILD=1)`);
    } else {
      log(`build: next build into ${DIST_DIR}`);
      const t = performance.now();
      execFileSync("npx", ["next", "build"], {
        cwd: ROOT,
        env: { ...childEnv, NODE_ENV: "production" },
        stdio: ["ignore", "ignore", "inherit"],
      });
      buildSeconds = (performance.now() - t) / 1000;
      log(`build: ${buildSeconds.toFixed(0)} s`);
    }

    // 2. Scratch database, users, repositories.
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    const db = (res.db = createDb(databaseUrl));
    // One connection for the queue (producer) and for removing the prefix's keys at the end.
    res.redis = new Redis(cfg.REDIS_URL);
    const queues = (res.queues = createQueues({ prefix, connection: res.redis }));
    const rulebook = loadRulebook(RULES_DIR);
    await syncCatalogue(db, rulebook);
    const system: Actor = { id: null, label: "bench:load" };
    const admin = (await createUser(db, system, { email: ADMIN_EMAIL, role: "admin", name: "Load admin" })).user;
    const lead = (await createUser(db, system, { email: LEAD_EMAIL, role: "security_lead", name: "Load lead" })).user;
    const adminActor: Actor = { id: admin.id, label: admin.email };
    const { token } = await issueToken(
      db,
      adminActor,
      { id: admin.id, role: "admin" },
      { userId: lead.id, name: "bench:load rescan", scope: "write", expiresDays: 1 },
    );
    const cookie = await benchSessionCookie(databaseUrl, ADMIN_EMAIL);

    let t = performance.now();
    const repos: { id: string; dir: string }[] = [];
    for (let i = 0; i < cfg.LOAD_REPOS; i++) {
      const dir = join(work, `repo-${i}`);
      generateRepository(dir, cfg.LOAD_REPO_FILES, { riskyEvery: 7, seed: i });
      const repo = await registerRepository(db, { url: dir, team: `team-${i % 8}` }, true, adminActor);
      repos.push({ id: repo.id, dir });
    }
    log(
      `setup: ${cfg.LOAD_REPOS} repositories × ${cfg.LOAD_REPO_FILES} files generated and registered in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // 3. Workers and the web server.
    mkdirSync(join(work, "tmp"));
    const workerOutputs: (() => string)[] = [];
    for (let i = 0; i < cfg.LOAD_WORKERS; i++) {
      const file = join(work, `worker-${i}.log`);
      logs.push(file);
      // Checkouts go under the work directory, so even a killed worker's are removed with it.
      const w = startChild(
        res,
        `worker ${i}`,
        ["--import", "tsx", join(ROOT, "worker/index.ts")],
        { ...childEnv, TMPDIR: join(work, "tmp") },
        file,
      );
      workerOutputs.push(w.output);
      await waitFor(`worker ${i} to be ready`, 60_000, () =>
        w.output().includes("worker ready")
          ? true
          : w.child.exitCode !== null
            ? Promise.reject(new Error(`worker ${i} exited: ${w.output().slice(-2000)}`))
            : undefined,
      );
    }
    const serverLog = join(work, "server.log");
    logs.push(serverLog);
    const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
    const server = startChild(
      res,
      "next start",
      [nextBin, "start", "-H", "127.0.0.1", "-p", String(cfg.LOAD_PORT)],
      { ...childEnv, NODE_ENV: "production" },
      serverLog,
    );
    await waitFor(`next start on ${base}`, 60_000, async () => {
      if (server.child.exitCode !== null) throw new Error(`next start exited: ${server.output().slice(-2000)}`);
      return fetch(`${base}/login`, { redirect: "manual" }).then(
        (r) => (r.status < 500 ? true : undefined),
        () => undefined,
      );
    });
    log(`server: next start on ${base} (${DIST_DIR}); ${cfg.LOAD_WORKERS} worker process(es) × concurrency ${cfg.LOAD_WORKER_CONCURRENCY}`);

    // 4. First scan of everything, through the workers, so the pages have data.
    t = performance.now();
    for (const r of repos) await enqueueScan(db, queues, r.id, "registration", adminActor);
    await waitFor("the first scans", 30 * 60_000, async () => ((await finished(db, "registration")) >= repos.length ? true : undefined));
    const first = await db.scan.groupBy({ by: ["status"], where: { trigger: "registration" }, _count: { _all: true } });
    const firstSeconds = (performance.now() - t) / 1000;
    const findings = await db.finding.count();
    const firstSummary = first.map((s) => `${s._count._all} ${s.status}`).join(", ");
    log(`first scans: ${firstSummary} in ${firstSeconds.toFixed(1)} s; ${findings} findings`);

    // 5. Every page answers 2xx to the session (a redirect to /login means it was refused).
    for (const page of PAGES) {
      const p = await probe(base + page.path, cookie);
      if (!p.ok) throw new Error(`${page.name} (${page.path}): ${p.why}`);
    }
    if (cfg.LOAD_WARMUP_SECONDS) {
      log(`warm-up: ${cfg.LOAD_WARMUP_SECONDS} s (not measured)`);
      await loadPhase(base, cookie, cfg, cfg.LOAD_WARMUP_SECONDS);
    }

    // 6. Idle: the same workers are up, the queue is empty.
    log(`idle: ${cfg.LOAD_CONNECTIONS} connections for ${cfg.LOAD_SECONDS} s`);
    const idle = await loadPhase(base, cookie, cfg, cfg.LOAD_SECONDS);
    printPhase("idle", idle);

    // 7. A new commit in every repository, so each rescan clones, scans and saves (one new finding each).
    t = performance.now();
    for (const [i, r] of repos.entries()) {
      writeFileSync(
        join(r.dir, "src", `load_change_${i}.py`),
        `import subprocess\n\n\ndef rebuild_${i}(name):\n    subprocess.run(f"make -C models/{name}", shell=True, check=True)\n`,
      );
      git(r.dir, "-c", "user.email=bench@example.test", "-c", "user.name=bench", "add", "-A");
      git(
        r.dir,
        "-c",
        "user.email=bench@example.test",
        "-c",
        "user.name=bench",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-m",
        "load change",
      );
    }
    log(`commits: a new commit in each of ${repos.length} repositories (${((performance.now() - t) / 1000).toFixed(1)} s)`);

    // 8. Load: the rescan is triggered over HTTP and the same users keep browsing until it has finished.
    log(
      `load: POST /api/v1/scans/rescan-all, then ${cfg.LOAD_CONNECTIONS} connections until every rescan has finished (at least ${cfg.LOAD_SECONDS} s, at most ${cfg.LOAD_MAX_SECONDS} s)`,
    );
    const windowStart = new Date();
    let trigger: { status: number; ms: number; body: string } | undefined;
    const triggered = (async () => {
      const t0 = performance.now();
      try {
        trigger = { ...(await post(`${base}/api/v1/scans/rescan-all`, token)), ms: performance.now() - t0 };
      } catch (e) {
        trigger = { status: 0, ms: performance.now() - t0, body: `request failed: ${(e as Error).message}` };
      }
      log(`rescan-all: HTTP ${trigger.status} in ${trigger.ms.toFixed(0)} ms: ${trigger.body}`);
    })();
    const loaded = await loadPhase(base, cookie, cfg, cfg.LOAD_SECONDS, {
      maxSeconds: cfg.LOAD_MAX_SECONDS,
      // Done once rescan-all has answered (it answers after queueing the last scan) and none is queued or running.
      done: async () => !!trigger && (trigger.status !== 202 || (await active(db, "manual")) === 0),
    });
    const windowEnd = new Date();
    await triggered;
    printPhase("load", loaded);
    if (trigger?.status !== 202) throw new Error(`rescan-all did not answer 202: ${JSON.stringify(trigger)}`);
    const summary = JSON.parse(trigger.body) as RescanSummary;

    // 9. What the workers did in the window.
    const inWindow = { trigger: "manual" as const, finishedAt: { gte: windowStart, lte: windowEnd } };
    const doneInWindow = await db.scan.groupBy({ by: ["status"], where: inWindow, _count: { _all: true } });
    const scansInWindow = doneInWindow.reduce((n, s) => n + s._count._all, 0);
    const rescanFinished = (await active(db, "manual")) === 0;
    if (!rescanFinished) log("load window ended before the rescan did; waiting for the rest (not under load)");
    await waitFor("the rescan to finish", 30 * 60_000, async () => ((await active(db, "manual")) === 0 ? true : undefined));
    const rescanned = await finished(db, "manual");
    const rescan = await db.scan.aggregate({
      where: { trigger: "manual" },
      _min: { startedAt: true },
      _max: { finishedAt: true },
      _sum: { findingsNew: true },
    });
    const rescanStatus = await db.scan.groupBy({ by: ["status"], where: { trigger: "manual" }, _count: { _all: true } });
    const rescanSeconds = (rescan._max.finishedAt!.getTime() - windowStart.getTime()) / 1000;
    const perMinute = (scansInWindow / loaded.seconds) * 60;
    const retries = workerOutputs.reduce((n, o) => n + (o().match(/will retry/g)?.length ?? 0), 0);
    log(
      `rescan: ${scansInWindow} scans finished inside the ${loaded.seconds.toFixed(1)} s window (${perMinute.toFixed(0)} scans/min); ${rescanned} of ${repos.length} repositories rescanned: ${rescanStatus.map((s) => `${s._count._all} ${s.status}`).join(", ")}, ${rescan._sum.findingsNew ?? 0} new findings, ${rescanSeconds.toFixed(1)} s from the trigger to the last; ${retries} retried attempts`,
    );

    // 10. Verdict: zero errors in both phases (a repository the rescan could not queue is one); p95 under load
    // within 2x idle, per page and overall.
    const ratio = (l: PageStats, i: PageStats) => l.p95 / i.p95;
    const rows = [...loaded.pages.map((l, k) => [idle.pages[k]!, l] as const), [idle.all, loaded.all] as const];
    const clean = (s: PageStats) => s.errors === 0 && s.non2xx === 0;
    const pageOk = ([i, l]: readonly [PageStats, PageStats]) => clean(i) && clean(l) && ratio(l, i) <= 2;
    const rescanOk = summary.failed === 0 && rescanned === repos.length;
    const ok = rows.every(pageOk) && rescanOk;
    failedRun = !ok;
    log(
      `verdict: ${ok ? "PASS" : "FAIL"}${rescanOk ? "" : ` (rescan-all could not queue ${summary.failed} repositories; ${rescanned} of ${repos.length} rescanned)`}`,
    );
    for (const [i, l] of rows)
      console.log(
        `  ${l.name}: p95 idle ${fmt(i.p95)} → load ${fmt(l.p95)} (×${ratio(l, i).toFixed(2)}), errors+non-2xx ${i.errors + i.non2xx} / ${l.errors + l.non2xx}: ${pageOk([i, l]) ? "ok" : "NOT ok"}`,
      );

    const phaseTable = (p: Phase) => [
      "| page | path | connections | requests | p50 | p95 | p99 | errors | non-2xx | statuses |",
      "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
      ...[...p.pages, p.all].map(
        (s) =>
          `| ${s.name === "all pages" ? "**all pages**" : s.name} | ${s.path ? `\`${s.path}\`` : ""} | ${s.connections} | ${s.requests} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${s.errors} | ${s.non2xx}${s.redirects ? ` (${s.redirects} redirects: auth failed)` : ""} | ${s.statuses} |`,
      ),
    ];
    const date = new Date().toISOString().slice(0, 16).replace("T", " ");
    const md = [
      `## Load: ${cfg.LOAD_CONNECTIONS} dashboard users during an org-wide rescan of ${cfg.LOAD_REPOS} repositories`,
      "",
      `*${ok ? "As expected" : "NOT as expected"}* — ${date} UTC, ${machine()}. Rerun: \`npm run bench:load\` (\`LOAD_SKIP_BUILD=1\` reuses the ${DIST_DIR} build).`,
      "",
      `- **Done:** A scratch database with ${cfg.LOAD_REPOS} local git repositories of ${cfg.LOAD_REPO_FILES} files (\`bench/generate.ts\`, as in \`npm run bench:pipeline\`), registered and scanned once by the worker (${firstSummary}; ${findings.toLocaleString("en")} findings; ${firstSeconds.toFixed(0)} s). A production build (\`next start\`, ${DIST_DIR}) and ${cfg.LOAD_WORKERS} worker process${cfg.LOAD_WORKERS > 1 ? "es" : ""} (\`node --import tsx worker/index.ts\`, concurrency ${cfg.LOAD_WORKER_CONCURRENCY}) on this machine, with PostgreSQL and Redis. ${cfg.LOAD_CONNECTIONS} concurrent users signed in as an admin (a session cookie) request the pages below with autocannon (one instance per page, the connections split between them, each connection requesting again as soon as it has its answer) after a ${cfg.LOAD_WARMUP_SECONDS} s unmeasured warm-up:`,
      `  - **idle:** ${idle.seconds.toFixed(1)} s with the worker idle;`,
      `  - **load:** a new commit in every repository (so no scan ends \`unchanged\`), then \`POST /api/v1/scans/rescan-all\` with a security lead's write token and the same load from that moment until every rescan has finished (${loaded.seconds.toFixed(1)} s).`,
      "- **Expected:** zero errors and zero non-2xx answers, every repository rescanned, and a p95 under load within 2× the idle p95 (each page and all pages together).",
      "- **Happened:**",
      `  - ${ok ? "**Pass**" : "**Fail**"}: ${rows.map(([i, l]) => `${l.name} p95 ${fmt(i.p95)} → ${fmt(l.p95)} (×${ratio(l, i).toFixed(2)}${clean(i) && clean(l) ? "" : `, ${i.errors + i.non2xx + l.errors + l.non2xx} errors/non-2xx`})`).join("; ")}.`,
      `  - rescan-all answered HTTP ${trigger.status} in ${(trigger.ms / 1000).toFixed(1)} s (\`${trigger.body}\`; it answers once every scan is queued, one transaction each, in the web process)${rescanOk ? "" : `: **${repos.length - rescanned} of ${repos.length} repositories were not rescanned**`}. ${scansInWindow} scans finished inside the load window (${doneInWindow.map((s) => `${s._count._all} ${s.status}`).join(", ") || "none"}): **${perMinute.toFixed(0)} scans/min** while serving the pages${rescanFinished ? "; the whole rescan finished inside the window" : `; the window ended (LOAD_MAX_SECONDS) before the rescan, which finished ${rescanSeconds.toFixed(0)} s after the trigger`}. Rescans: ${rescanStatus.map((s) => `${s._count._all} ${s.status}`).join(", ")}; ${rescan._sum.findingsNew ?? 0} new findings; ${retries} retried attempts.`,
      `  - Machine: 1-minute load average ${idle.load[0].toFixed(2)} → ${idle.load[1].toFixed(2)} over the idle phase (CPU ${idle.cpu.toFixed(0)}% busy), ${loaded.load[0].toFixed(2)} → ${loaded.load[1].toFixed(2)} over the load phase (CPU ${loaded.cpu.toFixed(0)}% busy). The autocannon client runs on the same 2 cores, and the machine is shared with other work, so the idle baseline is not a quiet machine either.`,
      "",
      "Idle:",
      "",
      ...phaseTable(idle),
      "",
      "During the rescan:",
      "",
      ...phaseTable(loaded),
      "",
      "| page | idle p95 | load p95 | ratio | target | |",
      "|---|---:|---:|---:|---|---|",
      ...rows.map(
        ([i, l]) =>
          `| ${l.name} | ${fmt(i.p95)} | ${fmt(l.p95)} | ×${ratio(l, i).toFixed(2)} | ≤ ×2, no errors | ${pageOk([i, l]) ? "met" : "**not met**"} |`,
      ),
    ].join("\n");
    if (noReport) log("report: not written (--no-report)");
    else {
      writeSection("load", md, RELIABILITY_MD, RELIABILITY_HEADER);
      log("report: section `load` of docs/RELIABILITY.md written");
    }
  } catch (e) {
    failedRun = true;
    if (!interrupted) console.error(`bench:load failed: ${(e as Error).stack ?? e}`);
  } finally {
    if (failedRun && !interrupted && logs.length) {
      // The temporary directory goes away; keep the logs of a failed run where they can be read.
      const keep = join(ROOT, "bench", ".work", `load-${id}`);
      mkdirSync(keep, { recursive: true });
      for (const f of logs) if (existsSync(f)) copyFileSync(f, join(keep, f.split("/").pop()!));
      console.error(`server and worker logs kept in ${keep}`);
    }
    if (!interrupted) {
      await res.cleanup();
      log("cleanup: server and workers stopped, database dropped, repositories removed");
    }
  }
  process.exit(failedRun ? 1 : 0);
}

await main();
