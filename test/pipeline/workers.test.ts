/**
 * Scans through the real queue: BullMQ on Redis, workers as the worker process runs them, Postgres.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySchedule, ORG_RESCAN_SCHEDULER } from "../../lib/queue/queues.ts";
import { startWorker, type RunningWorker } from "../../lib/worker/processors.ts";
import { registerBulk, registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan, requestRescanAll, requeueOrphans, rescanAll } from "../../lib/scan/enqueue.ts";
import { dropDatabase } from "../../lib/db/migrate.ts";
import { useTestDatabase } from "../support/db.ts";
import { TestRepo } from "../support/git.ts";
import { usePipelineTest, workerEnv } from "../support/pipeline.ts";
import { REDIS_URL, useQueuePrefix } from "../support/queue.ts";

const p = usePipelineTest("work");
const { t, prefix, work } = p;
const workers: RunningWorker[] = [];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

async function worker() {
  const w = await startWorker({
    db: t.db,
    databaseUrl: t.url,
    rulebook: p.rulebook,
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 2,
    allowLocalRepos: true,
    reconcileEveryMs: 0,
  });
  workers.push(w);
  return w;
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (s: { status: string }) => ["succeeded", "failed", "unchanged"].includes(s.status);

function makeRepos(n: number, label: string) {
  return Array.from({ length: n }, (_, i) => {
    const r = new TestRepo(work.path(`${label}-${i}`));
    for (let f = 0; f < 5; f++) r.write(`svc/m${f}.py`, `def handler(x):\n    return eval(x)\n\ndef other(y):\n    return eval(y)\n`);
    r.commit("init");
    return r;
  });
}

describe("registration", () => {
  it("registers in bulk with a result per line and queues a first scan for each new repository", async () => {
    const [a, b] = makeRepos(2, "bulk");
    const results = await registerBulk(
      t.db,
      p.queues,
      {
        urls: `${a!.dir}\n\n# a comment\n${b!.dir}\nftp://example.com/x\n${a!.dir}\nhttps://user:pw@github.com/o/r\n`,
        team: "ml-platform",
      },
      true,
    );
    expect(results.map((r) => [r.line, r.ok, r.error?.code])).toEqual([
      [1, true, undefined],
      [4, true, undefined],
      [5, false, "invalid_url"],
      [6, false, "duplicate"],
      [7, false, "invalid_url"],
    ]);
    expect(results[0]!.scanId).toBeTruthy();
    expect(await t.db.repository.count({ where: { url: { in: [a!.dir, b!.dir] } } })).toBe(2);
    expect(await p.queues.scans.getJob(results[0]!.scanId!)).toBeTruthy();
  });

  it("refuses duplicates and bad input without creating anything", async () => {
    const [r] = makeRepos(1, "dup");
    await registerRepository(t.db, { url: r!.dir, team: "ml-platform" }, true);
    await expect(registerRepository(t.db, { url: `${r!.dir}/`, team: "other-team" }, true)).rejects.toMatchObject({ code: "duplicate" });
    await expect(registerRepository(t.db, { url: "not a url", team: "new-team" }, true)).rejects.toMatchObject({ code: "invalid_url" });
    await expect(registerRepository(t.db, { url: r!.dir, team: "new-team", branch: "--upload-pack=x" }, true)).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(registerRepository(t.db, { url: "/srv/repos/x", team: "new-team" }, false)).rejects.toThrow(
      /local repositories are not allowed/,
    );
    expect(await t.db.team.count({ where: { name: { in: ["other-team", "new-team"] } } })).toBe(0);
  });
});

describe("workers", () => {
  it("two workers scan many repositories once each and never duplicate findings", async () => {
    await Promise.all([worker(), worker()]);
    const repos = makeRepos(8, "conc");
    const ids: string[] = [];
    for (const r of repos) ids.push((await registerRepository(t.db, { url: r.dir, team: "ml-platform" }, true)).id);
    // Everyone asks for every repository at once: each ends up with exactly one scan.
    const requests = await Promise.all(
      ids.flatMap((id) => [
        enqueueScan(t.db, p.queues, id, "manual"),
        enqueueScan(t.db, p.queues, id, "api"),
        enqueueScan(t.db, p.queues, id, "manual"),
      ]),
    );
    expect(requests.filter((r) => r.created)).toHaveLength(8);

    const scans = await waitFor(
      () => t.db.scan.findMany({ where: { repositoryId: { in: ids } } }),
      (ss) => ss.length === 8 && ss.every(finished),
    );
    expect(scans.map((s) => s.status)).toEqual(Array(8).fill("succeeded"));
    expect(await t.db.finding.count({ where: { repositoryId: { in: ids } } })).toBe(8 * 10);
    expect(await t.db.findingEvent.count({ where: { finding: { repositoryId: { in: ids } }, type: "detected" } })).toBe(8 * 10);

    // A rescan of all of them: unchanged heads end as `unchanged`, nothing is duplicated.
    const summary = await rescanAll(t.db, p.queues, "manual");
    expect(summary.queued).toBeGreaterThanOrEqual(8);
    const rescans = await waitFor(
      () => t.db.scan.findMany({ where: { repositoryId: { in: ids } } }),
      (ss) => ss.length === 16 && ss.every(finished),
    );
    expect(rescans.filter((s) => s.status === "unchanged")).toHaveLength(8);
    expect(await t.db.finding.count({ where: { repositoryId: { in: ids } } })).toBe(80);
  }, 60_000);

  it("fails a missing repository once, without retries, with a reason", async () => {
    const r = await registerRepository(t.db, { url: work.path("does-not-exist"), team: "ml-platform" }, true);
    const { scan } = await enqueueScan(t.db, p.queues, r.id, "manual");
    const done = await waitFor(() => t.db.scan.findUniqueOrThrow({ where: { id: scan.id } }), finished);
    expect(done).toMatchObject({ status: "failed", failureCode: "not_found" });
    const job = await p.queues.scans.getJob(scan.id);
    expect(job?.attemptsMade).toBe(1);
  });

  it("puts back scans the queue has lost", async () => {
    const [r] = makeRepos(1, "orphan");
    const repo = await registerRepository(t.db, { url: r!.dir, team: "ml-platform" }, true);
    // As after a Redis restart: the database says queued, Redis knows nothing.
    const scan = await t.db.scan.create({
      data: { repositoryId: repo.id, trigger: "manual", status: "queued", queuedAt: new Date(Date.now() - 120_000) },
    });
    expect(await requeueOrphans(t.db, p.queues)).toBeGreaterThanOrEqual(1);
    const done = await waitFor(() => t.db.scan.findUniqueOrThrow({ where: { id: scan.id } }), finished);
    expect(done.status).toBe("succeeded");
  });
});

describe("org-wide schedule", () => {
  it("keeps one job scheduler with the cron from settings, and removes it when disabled", async () => {
    await applySchedule(p.queues, { scheduleCron: "0 2 * * *", scheduleTimezone: "UTC", scheduleEnabled: true });
    await applySchedule(p.queues, { scheduleCron: "30 3 * * 1-5", scheduleTimezone: "Europe/Berlin", scheduleEnabled: true });
    const schedulers = await p.queues.org.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toEqual([[ORG_RESCAN_SCHEDULER, "30 3 * * 1-5", "Europe/Berlin"]]);
    await applySchedule(p.queues, { scheduleCron: "30 3 * * 1-5", scheduleTimezone: "UTC", scheduleEnabled: false });
    expect(await p.queues.org.getJobSchedulers()).toEqual([]);
  });

  it("fans out a scan per active repository when the rescan job runs, skipping queued ones and archived ones", async () => {
    const before = await t.db.scan.count();
    const active = await t.db.repository.count({ where: { archivedAt: null } });
    const [r] = makeRepos(1, "archived");
    const archived = await registerRepository(t.db, { url: r!.dir, team: "ml-platform" }, true);
    await t.db.repository.update({ where: { id: archived.id }, data: { archivedAt: new Date() } });
    await p.queues.org.add("rescan-all", { trigger: "schedule" });
    const after = await waitFor(
      () => t.db.scan.count(),
      (n) => n >= before + active,
    );
    expect(after).toBe(before + active);
    expect(await t.db.scan.count({ where: { repositoryId: archived.id } })).toBe(0);
    expect(await t.db.scan.count({ where: { trigger: "schedule" } })).toBe(active);
  });
});

describe("rescan all on request", () => {
  it("answers at once with one org job; a worker fans it out as manual scans on the requester's behalf", async () => {
    const lead = { id: null, label: "lead@example.test" };
    const active = await t.db.repository.count({ where: { archivedAt: null } });
    const manualBefore = await t.db.scan.count({ where: { trigger: "manual" } });
    // Let the scans of the previous test finish, so none of this rescan's repositories is still "already queued".
    await waitFor(
      () => t.db.scan.count({ where: { status: { in: ["queued", "cloning", "scanning", "saving"] } } }),
      (n) => n === 0,
    );
    const r = await requestRescanAll(t.db, p.queues, lead);
    expect(r).toEqual({ requested: true, repositories: active });
    expect(await t.db.auditLog.count({ where: { action: "scan.rescan_all", actorLabel: "lead@example.test" } })).toBe(1);
    const after = await waitFor(
      () => t.db.scan.count({ where: { trigger: "manual" } }),
      (n) => n >= manualBefore + active,
    );
    expect(after).toBe(manualBefore + active);
    expect(await t.db.auditLog.count({ where: { action: "scan.trigger", actorLabel: "lead@example.test" } })).toBe(active);
  });
});

describe("worker processes", () => {
  it("two worker processes on one Redis and Postgres share the work", async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    const env = workerEnv(p);
    const procs: ChildProcess[] = [];
    const pids = new Set<string>();
    const succeededLogs: number[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const p = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../worker/index.ts")], {
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
        p.stdout!.on("data", (d: Buffer) => {
          for (const line of d.toString().split("\n").filter(Boolean)) {
            try {
              const ev = JSON.parse(line);
              if (ev.msg === "worker ready") pids.add(String(ev.pid));
              if (ev.msg === "scan succeeded") succeededLogs.push(i);
            } catch {
              /* not ours */
            }
          }
        });
        procs.push(p);
      }
      await waitFor(
        async () => pids.size,
        (n) => n === 2,
      );
      const repos = makeRepos(6, "procs");
      const ids: string[] = [];
      for (const r of repos) ids.push((await registerRepository(t.db, { url: r.dir, team: "ml-platform" }, true)).id);
      await Promise.all(ids.map((id) => enqueueScan(t.db, p.queues, id, "manual")));
      const scans = await waitFor(
        () => t.db.scan.findMany({ where: { repositoryId: { in: ids } } }),
        (ss) => ss.length === 6 && ss.every(finished),
      );
      expect(scans.map((s) => s.status)).toEqual(Array(6).fill("succeeded"));
      expect(await t.db.finding.count({ where: { repositoryId: { in: ids } } })).toBe(60);
      // Each scan was run by exactly one of the processes, and each process ran some: six scans queued at once
      // reach both idle workers (one at a time each, concurrency 1), so one doing them all means it took work
      // the other was free for.
      // A process logs its success after the save the query above saw: under load the last lines come later.
      await waitFor(
        async () => succeededLogs.length,
        (n) => n >= 6,
      );
      expect(succeededLogs).toHaveLength(6);
      expect([0, 1].map((i) => succeededLogs.filter((w) => w === i).length > 0)).toEqual([true, true]);
    } finally {
      for (const p of procs) p.kill("SIGTERM");
      await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once("exit", r)))));
    }
    expect(procs.map((p) => p.exitCode)).toEqual([0, 0]);
  }, 90_000);
});

describe("housekeeping", () => {
  const lost = useTestDatabase("work-lost");
  const lostPrefix = useQueuePrefix("work-lost");

  it("logs each periodic task that fails (its database gone) instead of swallowing the error, and keeps trying", async () => {
    const lines: { msg: string; task?: string; error?: string }[] = [];
    const w = await startWorker({
      db: lost.db,
      databaseUrl: lost.url,
      rulebook: p.rulebook,
      redisUrl: REDIS_URL,
      prefix: lostPrefix,
      reconcileEveryMs: 200,
      log: (msg, f) => lines.push({ msg, ...f }),
    });
    workers.push(w);
    await dropDatabase(lost.url);
    const failed = () => lines.filter((l) => l.msg === "housekeeping failed");
    const tasks = ["requeue orphaned scans", "expire accepted risks", "apply the rescan schedule"];
    const failuresByTask = async () => Object.fromEntries(tasks.map((task) => [task, failed().filter((l) => l.task === task).length]));
    // Twice each: a failed round does not stop the timer.
    await waitFor(failuresByTask, (counts) => tasks.every((task) => counts[task]! >= 2), 10_000);
    expect(failed().every((l) => typeof l.error === "string" && l.error.length > 0)).toBe(true);
  });
});
