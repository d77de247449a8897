/**
 * Scan pipeline benchmark (npm run bench:pipeline), against the real Postgres, Redis and git:
 *  1. one 1,000-file repository: clone + scan + persist (target < 5 s), then an unchanged rescan (target < 300 ms);
 *  2. an org-wide rescan of 200 generated repositories by two worker processes: scans per minute and CPU use.
 * Uses a database and queue prefix of its own, removed afterwards; results go to docs/BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { syncCatalogue } from "../lib/catalogue.ts";
import { config, RULES_DIR } from "../lib/config.ts";
import { createDb } from "../lib/db/client.ts";
import { dropDatabase, ensureDatabase, migrate } from "../lib/db/migrate.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { createQueues } from "../lib/queue/queues.ts";
import { registerRepository } from "../lib/repos/service.ts";
import { enqueueScan, rescanAll } from "../lib/scan/enqueue.ts";
import { runScan } from "../lib/scan/pipeline.ts";
import { generateRepository, git } from "./generate.ts";
import { cpuTimes, machine, median, writeSection } from "./report.ts";

const PG = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
const REDIS = config().redisUrl;
const ORG_REPOS = Number(process.env.BENCH_ORG_REPOS ?? 200);
const ORG_FILES = Number(process.env.BENCH_ORG_FILES ?? 40);
const id = randomBytes(4).toString("hex");
const url = `${PG}/posture_bench_${id}`;
const prefix = `posture-bench-${id}`;
const work = mkdtempSync(join(tmpdir(), "posture-bench-"));
// The bench's repositories are local: they must be under the one folder local repositories may be in.
process.env.POSTURE_LOCAL_REPOS_ROOT = work;
// The worker and web app it starts refuse to start without one (lib/credentials/key.ts); the bench stores no credential.
process.env.POSTURE_SECRET_KEY ||= "posture-bench-key-not-secret-0123456789abcdef";

async function waitAll(db: ReturnType<typeof createDb>, where: object, count: number) {
  for (;;) {
    const done = await db.scan.count({ where: { ...where, status: { in: ["succeeded", "failed", "unchanged"] } } });
    if (done >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  await ensureDatabase(url);
  await migrate(url);
  const db = createDb(url);
  const connection = new Redis(REDIS);
  const queues = createQueues({ prefix, connection });
  const rulebook = loadRulebook(RULES_DIR);
  await syncCatalogue(db, rulebook);
  const ctx = { db, databaseUrl: url, rulebook, allowLocalRepos: true };
  const lines: string[] = [];
  const procs: ChildProcess[] = [];
  try {
    // 1. One large repository.
    const bigDir = join(work, "big");
    generateRepository(bigDir, 1000, { riskyEvery: 10 });
    const big = await registerRepository(db, { url: bigDir, team: "bench" }, true);
    const fullRuns: number[] = [];
    const unchangedRuns: number[] = [];
    let findings = 0;
    for (let i = 0; i < 3; i++) {
      // A new commit each time so the scan is a real one (clone, scan, persist), not an unchanged shortcut.
      git(bigDir, "-c", "user.email=b@example.test", "-c", "user.name=b", "commit", "-q", "--allow-empty", "-m", `run ${i}`);
      const { scan } = await enqueueScan(db, queues, big.id, "manual");
      let t = performance.now();
      await runScan(ctx, scan.id, { number: 1, max: 1 });
      fullRuns.push(performance.now() - t);
      const done = await db.scan.findUniqueOrThrow({ where: { id: scan.id } });
      if (done.status !== "succeeded") throw new Error(`scan ended ${done.status}: ${done.failureReason}`);
      findings = done.findingsPresent;
      const again = await enqueueScan(db, queues, big.id, "manual");
      t = performance.now();
      await runScan(ctx, again.scan.id, { number: 1, max: 1 });
      unchangedRuns.push(performance.now() - t);
      if ((await db.scan.findUniqueOrThrow({ where: { id: again.scan.id } })).status !== "unchanged")
        throw new Error("rescan was not unchanged");
    }
    const full = median(fullRuns);
    const unchanged = median(unchangedRuns);
    lines.push(
      `| 1,000-file repository: clone + scan + persist | ${(full / 1000).toFixed(2)} s (runs: ${fullRuns.map((r) => (r / 1000).toFixed(2)).join(", ")}) | < 5 s | ${full < 5000 ? "met" : "**not met**"} |`,
      `| same repository, unchanged rescan | ${Math.round(unchanged)} ms (runs: ${unchangedRuns.map((r) => Math.round(r)).join(", ")}) | < 300 ms | ${unchanged < 300 ? "met" : "**not met**"} |`,
    );
    console.log(`big repo: ${findings} findings; full ${full.toFixed(0)} ms, unchanged ${unchanged.toFixed(0)} ms`);
    await db.repository.update({ where: { id: big.id }, data: { archivedAt: new Date() } });

    // 2. Org-wide rescan by two worker processes.
    for (let i = 0; i < ORG_REPOS; i++) {
      const dir = join(work, `org-${i}`);
      generateRepository(dir, ORG_FILES, { riskyEvery: 7, seed: i });
      await registerRepository(db, { url: dir, team: `team-${i % 8}` }, true);
    }
    const env = {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL: REDIS,
      POSTURE_QUEUE_PREFIX: prefix,
      POSTURE_ALLOW_LOCAL_REPOS: "1",
      POSTURE_WORKER_CONCURRENCY: "2",
    };
    const ready: Promise<void>[] = [];
    for (let i = 0; i < 2; i++) {
      const p = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../worker/index.ts")], {
        env,
        stdio: ["ignore", "pipe", "inherit"],
      });
      procs.push(p);
      ready.push(new Promise((r) => p.stdout!.on("data", (d: Buffer) => d.toString().includes("worker ready") && r())));
    }
    await Promise.all(ready);
    const before = cpuTimes();
    const started = performance.now();
    const summary = await rescanAll(db, queues, "manual");
    await waitAll(db, { trigger: "manual", repository: { team: { name: { startsWith: "team-" } } } }, ORG_REPOS);
    const seconds = (performance.now() - started) / 1000;
    const after = cpuTimes();
    const cpu = (100 * (after.busy - before.busy)) / (after.total - before.total);
    const statuses = await db.scan.groupBy({
      by: ["status"],
      where: { repository: { team: { name: { startsWith: "team-" } } } },
      _count: { _all: true },
    });
    const orgFindings = await db.finding.count({ where: { repository: { team: { name: { startsWith: "team-" } } } } });
    lines.push(
      `| org-wide rescan: ${ORG_REPOS} repositories × ${ORG_FILES} files, 2 worker processes × concurrency 2 | ${seconds.toFixed(1)} s, **${Math.round((ORG_REPOS / seconds) * 60)} scans/min**; machine CPU ${cpu.toFixed(0)}% busy | report | ${statuses.map((s) => `${s._count._all} ${s.status}`).join(", ")}; ${orgFindings.toLocaleString("en")} findings; ${summary.queued} queued |`,
    );
    console.log(lines.at(-1));

    writeSection(
      "pipeline",
      `## Scan pipeline (\`npm run bench:pipeline\`)

- Date: ${new Date().toISOString().slice(0, 10)}; machine: ${machine()}
- Real PostgreSQL, Redis and git; repositories generated by \`bench/generate.ts\` (Python service modules, ~10% with a risky pattern, Kubernetes manifests, TorchServe properties), cloned from local paths. Full rulebook (${rulebook.checks.length} checks).
- The single-repository rows time \`runScan\` end to end (ls-remote, clone, scan, one-transaction persist; ${findings} findings), median of 3; each full run follows a new commit so it is never short-cut.

| what | measured | target | |
|---|---|---|---|
${lines.join("\n")}
`,
    );
  } finally {
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once("exit", r)))));
    await queues.close();
    connection.disconnect();
    await db.$disconnect();
    await dropDatabase(url);
    const r = new Redis(REDIS);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
