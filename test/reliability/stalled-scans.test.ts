/**
 * Issue 15, section 6: a scan whose worker dies is finished by another worker within 30 s of the kill, and a
 * worker that lost its lock while alive is never joined on the same repository. Real worker processes
 * (worker/index.ts) on this file's database and queue prefix; `npm run bench:reliability -- kill-worker`
 * measures the same on a larger repository.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { TestRepo } from "../support/git.ts";
import { usePipelineTest, workerEnv } from "../support/pipeline.ts";

const p = usePipelineTest("stalled");
const { t, work } = p;
const RECOVERY_TARGET_MS = 30_000;

interface WorkerProcess {
  proc: ChildProcess;
  logs: { msg: string; scanId?: string; stalledCounter?: number }[];
}
const running: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of running) {
    w.proc.kill("SIGCONT");
    w.proc.kill("SIGKILL");
  }
});

async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function startWorkerProcess(): Promise<WorkerProcess> {
  const env = workerEnv(p);
  const proc = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../worker/index.ts")], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const w: WorkerProcess = { proc, logs: [] };
  let rest = "";
  proc.stdout!.on("data", (d: Buffer) => {
    const lines = (rest + d.toString()).split("\n");
    rest = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      try {
        w.logs.push(JSON.parse(line));
      } catch {
        /* not a log line */
      }
    }
  });
  running.push(w);
  await waitFor(
    "the worker to be ready",
    async () => w.logs.some((l) => l.msg === "worker ready"),
    (ok) => ok,
    60_000,
  );
  return w;
}

/** Enough files that the scan is still running when the test acts on it. */
function bigRepo(name: string, files = 3000): TestRepo {
  const r = new TestRepo(work.path(name));
  for (let i = 0; i < files; i++) r.write(`pkg${Math.floor(i / 500)}/m${i}.py`, `def handler(x):\n    return eval(x + ${i})\n`);
  r.commit("init");
  return r;
}

const scanRow = (id: string) => t.db.scan.findUniqueOrThrow({ where: { id } });
/** Waits for the scan row to say it finished, however it ended. */
const scanFinished = (id: string) =>
  waitFor(
    "the scan to finish",
    () => scanRow(id),
    (s) => FINISHED.includes(s.status),
    120_000,
    100,
  );
const FINISHED = ["succeeded", "failed", "unchanged"];

describe("a stalled scan", () => {
  it(`is finished by another worker within ${RECOVERY_TARGET_MS / 1000} s of a SIGKILL, nothing lost or doubled`, async () => {
    const repo = bigRepo("killed");
    const a = await startWorkerProcess();
    const r = await registerRepository(t.db, { url: repo.dir, team: "ml-platform" }, true);
    const { scan } = await enqueueScan(t.db, p.queues, r.id, "manual");
    const at = await waitFor(
      "the scan to be under way",
      () => scanRow(scan.id),
      (s) => s.status === "scanning" || FINISHED.includes(s.status),
      60_000,
      20,
    );
    expect(at.status, "killed mid-scan").toBe("scanning");
    a.proc.kill("SIGKILL");
    const killedAt = Date.now();

    const b = await startWorkerProcess();
    const done = await scanFinished(scan.id);
    const recoveredMs = Date.now() - killedAt;
    expect(done.status).toBe("succeeded");
    expect(recoveredMs, `recovered ${recoveredMs} ms after the kill`).toBeLessThan(RECOVERY_TARGET_MS);
    expect(b.logs.find((l) => l.msg === "scan job started" && l.scanId === scan.id)?.stalledCounter).toBe(1);
    expect(await t.db.finding.count({ where: { repositoryId: r.id } })).toBe(3000);
    expect(await t.db.findingEvent.count({ where: { finding: { repositoryId: r.id }, type: "detected" } })).toBe(3000);
  }, 180_000);

  it("held by a worker frozen past its lock is claimed by another, which never scans the repository meanwhile", async () => {
    const repo = bigRepo("frozen");
    const c = await startWorkerProcess();
    const both = running.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
    expect(both).toHaveLength(2);
    const r = await registerRepository(t.db, { url: repo.dir, team: "ml-platform" }, true);
    const { scan } = await enqueueScan(t.db, p.queues, r.id, "manual");
    await waitFor(
      "the scan to be under way",
      () => scanRow(scan.id),
      (s) => s.status === "scanning" || FINISHED.includes(s.status),
      60_000,
      20,
    );
    const holder = both.find((w) => w.logs.some((l) => l.msg === "scan job started" && l.scanId === scan.id))!;
    const other = both.find((w) => w !== holder)!;
    expect(holder, "one worker took the job").toBeDefined();
    expect([holder, other]).toContain(c);

    holder.proc.kill("SIGSTOP");
    // The lock lapses; the other worker claims the job and finds the repository held (advisory lock).
    await waitFor(
      "the other worker to find the repository busy",
      async () => other.logs.filter((l) => l.msg === "repository busy, scan delayed" && l.scanId === scan.id).length,
      (n) => n >= 1,
      60_000,
      100,
    );
    expect((await scanRow(scan.id)).status, "still the frozen worker's scan").toBe("scanning");
    holder.proc.kill("SIGCONT");

    const done = await scanFinished(scan.id);
    expect(done.status).toBe("succeeded");
    await waitFor(
      "the job to complete",
      () => p.queues.scans.getJob(scan.id),
      (j) => !!j?.finishedOn,
      60_000,
      200,
    );
    const outcomes = (w: WorkerProcess) =>
      w.logs.filter((l) => l.scanId === scan.id && /^scan (succeeded|failed|unchanged|attempt failed)/.test(l.msg)).map((l) => l.msg);
    expect(outcomes(holder)).toEqual(["scan succeeded"]);
    expect(outcomes(other), "the other worker never ran the scan").toEqual([]);
    expect(await t.db.finding.count({ where: { repositoryId: r.id } })).toBe(3000);
    expect(await t.db.findingEvent.count({ where: { finding: { repositoryId: r.id }, type: "detected" } })).toBe(3000);
  }, 180_000);
});
