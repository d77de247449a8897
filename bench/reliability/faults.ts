/**
 * Fault scenarios against real worker processes, a throwaway PostgreSQL and a throwaway Redis.
 * Each returns what was done, what was expected and what happened, with the numbers of this run.
 */
import { createServer, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { QueueUnavailableError } from "../../lib/queue/queues.ts";
import { SCAN_LOCK } from "../../lib/worker/processors.ts";
import { listRepositories } from "../../lib/repos/queries.ts";
import { DEFAULT_VISIBILITY } from "../../lib/findings/visibility.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import type { Scan } from "../../lib/db/client.ts";
import {
  checkoutsLeft,
  cleanFingerprints,
  makeRepo,
  sameSets,
  scratchEnvironment,
  sleep,
  spawnWorker,
  stopWorker,
  storedFingerprints,
  waitFor,
  type Service,
  type WorkerProcess,
} from "./support.ts";

export interface Outcome {
  id: string;
  title: string;
  did: string;
  expected: string;
  happened: string[];
  ok: boolean;
}

const FINISHED = ["succeeded", "failed", "unchanged"];

function scratchDir(label: string) {
  return mkdtempSync(join(tmpdir(), `posture-rel-${label}-`));
}

const seconds = (ms: number) => `${ms / 1000} s`;
const LOCK_TEXT = `BullMQ lock ${seconds(SCAN_LOCK.lockDuration)} renewed every ${seconds(SCAN_LOCK.lockRenewTime)}, stalled check every ${seconds(SCAN_LOCK.stalledInterval)}`;
/** The recovery a SIGKILLed worker's scan must meet: picked up and finished by another worker. */
const RECOVERY_TARGET_MS = 30_000;

type Environment = Awaited<ReturnType<typeof scratchEnvironment>>;
type Scenario = { env: Environment; repos: string; spawn: (extra?: Record<string, string>) => Promise<WorkerProcess> };

/**
 * Runs one scenario in a scratch environment with a scratch directory for its repositories; the worker
 * processes it spawns are stopped, and the environment and directory removed, however it ends.
 */
async function inScratch(pg: Service, redis: Service, label: string, run: (s: Scenario) => Promise<Outcome>): Promise<Outcome> {
  const env = await scratchEnvironment(pg, redis, label);
  const repos = scratchDir(`${label}-repo`);
  const workers: WorkerProcess[] = [];
  const spawn = async (extra: Record<string, string> = {}) => {
    const w = await spawnWorker({ ...env.env, ...extra });
    workers.push(w);
    return w;
  };
  try {
    return await run({ env, repos, spawn });
  } finally {
    for (const w of workers) await stopWorker(w);
    await env.close();
    rmSync(repos, { recursive: true, force: true });
  }
}

const finished = (s: { status: string }) => FINISHED.includes(s.status);
/** The scan row has reached `status`, or finished without it. */
const reached = (status: string) => (s: { status: string }) => s.status === status || finished(s);

/** Polls the scan row until `until` holds of it. */
function scanUntil(env: Environment, scanId: string, what: string, until: (s: Scan) => boolean, timeoutMs: number, everyMs: number) {
  return waitFor(what, () => env.db.scan.findUniqueOrThrow({ where: { id: scanId } }), until, timeoutMs, everyMs);
}

/** Polls the scan's BullMQ job until it is finished (the scan row says so a moment before the job does). */
function jobFinished(env: Environment, scanId: string, what: string, timeoutMs: number) {
  return waitFor(
    what,
    () => env.queues.scans.getJob(scanId),
    (j) => !!j?.finishedOn,
    timeoutMs,
  );
}

/** Registers the repository at `dir` and queues a manual scan of it. */
async function registerAndScan(env: Environment, dir: string) {
  const repo = await registerRepository(env.db, { url: dir, team: "bench" }, true);
  const { scan } = await enqueueScan(env.db, env.queues, repo.id, "manual");
  return { repo, scan };
}

/** The repository's stored findings against a clean scan's: equal when the same fingerprints, once each. */
async function againstClean(env: Environment, repositoryId: string, clean: string[]) {
  const stored = await storedFingerprints(env.db, repositoryId);
  const cmp = sameSets(clean, stored.fps);
  const text = `clean scan: ${clean.length} findings; stored: ${stored.fps.length} (${stored.distinct} distinct), ${stored.detectedEvents} \`detected\` events; missing ${cmp.missing}, extra ${cmp.extra}.`;
  return { stored, cmp, text, equal: cmp.equal && stored.detectedEvents === clean.length };
}

export async function killWorkerMidScan(pg: Service, redis: Service): Promise<Outcome> {
  return inScratch(pg, redis, "kill", async ({ env, repos, spawn }) => {
    const happened: string[] = [];
    const dir = makeRepo(join(repos, "big"), 6000, 3);
    const frozenDir = makeRepo(join(repos, "frozen"), 6000, 3);
    const clean = await cleanFingerprints(dir, env.rulebook);
    const a = await spawn();
    const { repo, scan } = await registerAndScan(env, dir);
    const at = await scanUntil(env, scan.id, "scan to reach scanning", reached("scanning"), 120_000, 25);
    a.proc.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();
    happened.push(
      `worker A (pid ${a.pid}) killed with SIGKILL while the scan was \`${at.status}\` (files ${at.filesDone ?? 0}/${at.filesTotal ?? "?"}).`,
    );
    const b = await spawn();
    const bReadyMs = Date.now() - killedAt;
    const done = await scanUntil(env, scan.id, "scan to finish", finished, 240_000, 100);
    const recoveredMs = Date.now() - killedAt;
    const { stored, cmp } = await againstClean(env, repo.id, clean);
    // The scan row says succeeded before the worker has removed its checkout and completed the job.
    const job = await jobFinished(env, scan.id, "job to complete", 30_000);
    const took =
      job?.processedOn && job.finishedOn
        ? ` (its own clone, scan and save: ${((job.finishedOn - job.processedOn) / 1000).toFixed(1)} s)`
        : "";
    const pickedUp = job?.processedOn ? ` ${((job.processedOn - killedAt) / 1000).toFixed(1)} s after the kill` : "";
    happened.push(
      `worker B (pid ${b.pid}, ready ${(bReadyMs / 1000).toFixed(1)} s after the kill) picked the stalled job up${pickedUp}; the scan ended \`${done.status}\` **${(recoveredMs / 1000).toFixed(1)} s after the kill**${took}; target ${seconds(RECOVERY_TARGET_MS)} (${LOCK_TEXT}; 1-minute load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores).`,
    );
    happened.push(
      `clean scan: ${clean.length} findings; stored: ${stored.fps.length} findings (${stored.distinct} distinct fingerprints), ${stored.detectedEvents} \`detected\` events; missing ${cmp.missing}, extra ${cmp.extra}. Job attemptsMade ${job?.attemptsMade ?? "?"}, stalledCounter ${(job as unknown as { stalledCounter?: number })?.stalledCounter ?? "?"}.`,
    );
    const left = checkoutsLeft(env.workRoot);
    const bLog = b.logs.filter((l) => l.msg.startsWith("scan")).map((l) => `${l.msg}${l.code ? ` (${l.code})` : ""}`);
    happened.push(`worker B's scan log: ${bLog.join("; ") || "(nothing)"}.`);
    happened.push(
      `checkouts left in the work directory after B finished: ${left.length}${left.length ? " (a dead worker's checkout should have been removed when worker B started)" : " (worker B removed the killed worker's checkout when it started)"}.`,
    );
    const killOk =
      done.status === "succeeded" &&
      recoveredMs <= RECOVERY_TARGET_MS &&
      cmp.equal &&
      stored.distinct === stored.fps.length &&
      stored.detectedEvents === clean.length;

    // A short lock is lost by a worker that is alive but stuck: the other worker takes the job over, and must
    // not scan the repository while the stuck one still is.
    const frozen = await frozenWorkerScan(env, frozenDir, b);
    happened.push(...frozen.happened);
    return {
      id: "kill-worker",
      title: "kill -9 of a worker in the middle of a scan; a worker frozen past its lock",
      did: "Registered a repository of 6,000 Python files with 3 `eval()` calls each (18,000 findings), queued a scan, and sent SIGKILL to the only worker process (concurrency 1) once the scan row said `scanning`. Then started a second worker process (B). Then, with B running, started a third (C), queued a scan of a second repository of the same size, and froze whichever worker took it (SIGSTOP) once its scan row said `scanning`, for longer than the lock, so the other worker claims the stalled job while the frozen one still holds the repository; then let it go on (SIGCONT).",
      expected: `The killed worker's job is recovered as stalled and finished by the second worker within ${seconds(RECOVERY_TARGET_MS)} of the kill; the repository's findings are exactly those of one clean scan (same fingerprints, no duplicates, one \`detected\` event each). The frozen worker's job is claimed by the other worker, which finds the repository busy (the per-repository advisory lock) and waits instead of scanning it a second time at once; the frozen worker finishes its scan, and the findings again equal one clean scan.`,
      happened,
      ok: killOk && frozen.ok,
    };
  });
}

async function frozenWorkerScan(env: Environment, dir: string, running: WorkerProcess): Promise<{ ok: boolean; happened: string[] }> {
  const happened: string[] = [];
  const clean = await cleanFingerprints(dir, env.rulebook);
  const c = await spawnWorker(env.env);
  try {
    const { repo, scan } = await registerAndScan(env, dir);
    await scanUntil(env, scan.id, "scan to reach scanning", reached("scanning"), 120_000, 25);
    const holder = [running, c].find((w) => w.logs.some((l) => l.msg === "scan job started" && l.scanId === scan.id));
    if (!holder) throw new Error("neither worker logged that it started the scan's job");
    const other = holder === c ? running : c;
    holder.proc.kill("SIGSTOP");
    const frozenAt = Date.now();
    const busy = await waitFor(
      "the other worker to find the repository busy",
      async () => other.logs.filter((l) => l.msg === "repository busy, scan delayed" && l.scanId === scan.id).length,
      (n) => n >= 2,
      60_000,
      100,
    ).catch(() => 0);
    const busyAfterMs = Date.now() - frozenAt;
    const statusWhileFrozen = (await env.db.scan.findUniqueOrThrow({ where: { id: scan.id } })).status;
    holder.proc.kill("SIGCONT");
    const done = await scanUntil(env, scan.id, "scan to finish", finished, 240_000, 100);
    const job = await jobFinished(env, scan.id, "job to complete", 60_000).catch(() => undefined);
    const stored = await againstClean(env, repo.id, clean);
    const scansBy = (w: WorkerProcess) =>
      w.logs.filter((l) => l.msg.startsWith("scan ") && l.scanId === scan.id && l.msg !== "scan job started").map((l) => l.msg);
    const otherScanned = scansBy(other).filter(
      (m) => m === "scan succeeded" || m.startsWith("scan failed") || m.startsWith("scan attempt failed"),
    );
    happened.push(
      `worker ${holder.pid} frozen with SIGSTOP while scanning the second repository; ${busy ? `${seconds(Math.round(busyAfterMs / 100) * 100)} later the other worker (${other.pid}) had claimed the stalled job and been refused the repository ${busy} times ("repository busy, scan delayed")` : `the other worker (${other.pid}) never claimed the job within 60 s`}; the scan row still said \`${statusWhileFrozen}\`.`,
    );
    happened.push(
      `after SIGCONT: the scan ended \`${done.status}\`; the frozen worker logged ${JSON.stringify(scansBy(holder))}, the other worker ${JSON.stringify(scansBy(other))}; job ${job?.finishedOn ? `finished (attemptsMade ${job.attemptsMade}, stalledCounter ${(job as unknown as { stalledCounter?: number }).stalledCounter ?? "?"})` : "NOT finished"}.`,
    );
    happened.push(stored.text);
    const ok = busy >= 1 && otherScanned.length === 0 && done.status === "succeeded" && !!job?.finishedOn && stored.equal;
    return { ok, happened };
  } finally {
    c.proc.kill("SIGCONT");
    await stopWorker(c);
  }
}

export async function restartRedis(pg: Service, redis: Service): Promise<Outcome> {
  return inScratch(pg, redis, "redis", async ({ env, repos, spawn }) => {
    const happened: string[] = [];
    const dirs = [0, 1, 2, 3].map((i) => makeRepo(join(repos, `r${i}`), 1500, 2));
    const spare = makeRepo(join(repos, "spare"), 1, 1);
    const cleans = await Promise.all(dirs.map((d) => cleanFingerprints(d, env.rulebook)));
    const w = await spawn();
    const ids: string[] = [];
    for (const d of dirs) ids.push((await registerRepository(env.db, { url: d, team: "bench" }, true)).id);
    const spareRepo = await registerRepository(env.db, { url: spare, team: "bench" }, true);
    const scans: { id: string }[] = [];
    for (const id of ids) scans.push((await enqueueScan(env.db, env.queues, id, "manual")).scan);
    await waitFor(
      "a scan to run",
      () => env.db.scan.findMany({ where: { id: { in: scans.map((s) => s.id) } } }),
      (ss) => ss.some((s) => s.status === "scanning"),
      60_000,
      25,
    );
    const before = await env.db.scan.findMany({ where: { id: { in: scans.map((s) => s.id) } }, select: { status: true } });
    happened.push(`Redis (no persistence) killed while the scans were: ${before.map((s) => `\`${s.status}\``).join(", ")}.`);

    // Restart in the background; measure what the web app's code paths do while it is down.
    const restarted = redis.restart(8000);
    await sleep(500);
    const t0 = Date.now();
    let enqueueError = "none";
    try {
      await enqueueScan(env.db, env.queues, spareRepo.id, "manual");
    } catch (e) {
      enqueueError =
        e instanceof QueueUnavailableError ? `QueueUnavailableError ("${e.message}")` : `${(e as Error).name}: ${(e as Error).message}`;
    }
    const enqueueMs = Date.now() - t0;
    const t1 = Date.now();
    const listed = await listRepositories(env.db, { visibility: DEFAULT_VISIBILITY });
    const listMs = Date.now() - t1;
    const spareScan = await env.db.scan.findFirst({ where: { repositoryId: spareRepo.id } });
    happened.push(
      `while Redis was down: \`enqueueScan\` failed after ${enqueueMs} ms with ${enqueueError} (the HTTP API maps it to 503 \`queue_unavailable\`); its scan row was left \`${spareScan?.status}\` / \`${spareScan?.failureCode}\`, not queued forever. \`listRepositories\` (a page that needs only Postgres) returned ${listed.length} repositories in ${listMs} ms.`,
    );
    await restarted;
    const back = Date.now();
    const done = await waitFor(
      "scans to finish",
      () => env.db.scan.findMany({ where: { id: { in: scans.map((s) => s.id) } } }),
      (ss) => ss.every(finished),
      300_000,
      500,
    );
    happened.push(
      `Redis back after 8 s down; all ${done.length} scans finished ${((Date.now() - back) / 1000).toFixed(1)} s later: ${done.map((s) => `\`${s.status}\``).join(", ")}. The worker process ${w.proc.exitCode === null ? "stayed up" : `exited (${w.proc.exitCode})`}; ${w.logs.filter((l) => l.msg === "requeued orphaned scans").length} "requeued orphaned scans" log lines.`,
    );
    let allEqual = true;
    const per: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const { stored, equal } = await againstClean(env, ids[i]!, cleans[i]!);
      allEqual &&= equal;
      per.push(`${stored.fps.length}/${cleans[i]!.length}`);
    }
    happened.push(
      `findings stored / clean scan, per repository: ${per.join(", ")}; fingerprint sets ${allEqual ? "identical" : "DIFFER"}.`,
    );
    const ok =
      done.every((s) => s.status === "succeeded") &&
      allEqual &&
      enqueueError.startsWith("QueueUnavailableError") &&
      enqueueMs < 5000 &&
      spareScan?.failureCode === "queue_unavailable";
    return {
      id: "redis-restart",
      title: "Redis restarted while scans are queued and running",
      did: "Queued scans of 4 repositories (1,500 files, 3,000 findings each) on one worker process (concurrency 1). While the first was scanning, killed the throwaway redis-server (no persistence, so the queue is lost), kept it down 8 s and started it again. While it was down, asked for a scan of a fifth repository and listed repositories, as the web app would.",
      expected:
        "The worker reconnects and every scan finishes (scans the queue lost are put back from Postgres by the worker's reconciliation, every 60 s for scans queued over 30 s ago); findings equal clean scans. A scan request fails within ~3 s with QueueUnavailableError (503 `queue_unavailable`), pages that need only Postgres keep working.",
      happened,
      ok,
    };
  });
}

export async function restartPostgres(pg: Service, redis: Service): Promise<Outcome> {
  return inScratch(pg, redis, "pg", async ({ env, repos, spawn }) => {
    const happened: string[] = [];
    const dir = makeRepo(join(repos, "many-findings"), 3000, 10);
    const clean = await cleanFingerprints(dir, env.rulebook);
    const w = await spawn();
    const { repo, scan } = await registerAndScan(env, dir);
    const at = await scanUntil(env, scan.id, "scan to reach saving", reached("saving"), 240_000, 10);
    await sleep(150); // into the transaction: contexts are read and settings fetched first
    await pg.restart(1500);
    happened.push(`PostgreSQL restarted (pg_ctl stop -m fast, 1.5 s down, start) while the scan was \`${at.status}\`.`);
    const done = await scanUntil(env, scan.id, "scan to finish", finished, 240_000, 250);
    const stored = await againstClean(env, repo.id, clean);
    const retried = w.logs.filter((l) => l.msg === "scan attempt failed, will retry");
    const job = await env.queues.scans.getJob(scan.id);
    happened.push(
      `worker log: ${retried.length} "scan attempt failed, will retry" (${retried.map((l) => `code \`${l.code}\`, attempt ${l.attempt}`).join("; ") || "none"}); job attemptsMade ${job?.attemptsMade ?? "?"}; the worker process ${w.proc.exitCode === null && w.proc.signalCode === null ? "stayed up" : `DIED (exit ${w.proc.exitCode ?? w.proc.signalCode})`}.`,
    );
    happened.push(`scan ended \`${done.status}\`${done.failureCode ? ` (\`${done.failureCode}\`)` : ""}; ${stored.text}`);
    const ok = done.status === "succeeded" && stored.equal && retried.length >= 1;
    return {
      id: "postgres-restart",
      title: "PostgreSQL restarted during a persist",
      did: "Scanned a repository of 3,000 Python files with 10 `eval()` calls each (30,000 findings, so the save transaction takes a while) on a throwaway PostgreSQL (initdb in a temporary directory, port 55432), and restarted that server as soon as the scan row said `saving`.",
      expected:
        "The save transaction rolls back, the attempt fails as `database_unavailable` and is retried (3 attempts, exponential backoff); the retry saves the whole result: findings equal a clean scan, no partial or doubled rows.",
      happened,
      ok,
    };
  });
}

export async function scanTimeout(pg: Service, redis: Service): Promise<Outcome> {
  return inScratch(pg, redis, "timeout", async ({ env, spawn }) => {
    const happened: string[] = [];
    const sockets: Socket[] = [];
    // Accepts connections and never answers: git waits until the worker's timeout.
    const server = createServer((s) => sockets.push(s)).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    try {
      // The silent server is on this machine: its address must be let through as an internal git server's would.
      const networks = { POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.1/32" };
      await spawn({ ...networks, POSTURE_CLONE_TIMEOUT_MS: "3000" });
      Object.assign(process.env, networks);
      const repo = await registerRepository(env.db, { url: `https://127.0.0.1:${port}/org/repo.git`, team: "bench" }, true).finally(
        () => delete process.env.POSTURE_GIT_ALLOWED_NETWORKS,
      );
      const t0 = Date.now();
      const { scan } = await enqueueScan(env.db, env.queues, repo.id, "manual");
      const done = await scanUntil(env, scan.id, "scan to fail", finished, 60_000, 100);
      const left = checkoutsLeft(env.workRoot);
      // The scan row is marked failed a moment before BullMQ records the job as failed.
      const job = await jobFinished(env, scan.id, "job to fail", 10_000);
      happened.push(
        `scan ended \`${done.status}\` after ${((Date.now() - t0) / 1000).toFixed(1)} s with failureCode \`${done.failureCode}\`, reason "${done.failureReason}"; job attemptsMade ${job?.attemptsMade} (a timeout is permanent: not retried).`,
      );
      happened.push(`checkouts left in the worker's work directory: ${left.length}.`);
      return {
        id: "scan-timeout",
        title: "A scan that exceeds its timeout",
        did: "Pointed a repository at a TCP server on this machine that accepts connections and never answers, with `POSTURE_CLONE_TIMEOUT_MS=3000`, and let a worker process scan it (TMPDIR set to an empty work directory).",
        expected: "The scan fails once, with failure code `timeout` and a reason naming the limit, and its checkout directory is removed.",
        happened,
        ok: done.status === "failed" && done.failureCode === "timeout" && left.length === 0 && job?.attemptsMade === 1,
      };
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
}

export async function manyFiles(pg: Service, redis: Service): Promise<Outcome> {
  return inScratch(pg, redis, "many", async ({ env, repos, spawn }) => {
    const happened: string[] = [];
    const dir = join(repos, "many");
    const t0 = Date.now();
    const { execFileSync } = await import("node:child_process");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(dir);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(dir, `d${String(d).padStart(3, "0")}`));
      for (let f = 0; f < 1000; f++) writeFileSync(join(dir, `d${String(d).padStart(3, "0")}`, `f${f}.py`), "x = 1\n");
    }
    mkdirSync(join(dir, "zz"));
    for (let f = 0; f < 25; f++) writeFileSync(join(dir, "zz", `over${f}.py`), "eval(x)\n");
    execFileSync("git", ["add", "-A"], { cwd: dir });
    execFileSync("git", ["-c", "user.email=b@example.test", "-c", "user.name=Bench", "commit", "-q", "-m", "many"], { cwd: dir });
    happened.push(`built a repository of 100,025 Python files with git in ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
    const w = await spawn();
    const repo = await registerRepository(env.db, { url: dir, team: "bench" }, true);
    const t1 = Date.now();
    const { scan } = await enqueueScan(env.db, env.queues, repo.id, "manual");
    const done = await scanUntil(env, scan.id, "scan to finish", finished, 900_000, 500);
    const stats = done.stats as { files?: number; skipped?: Record<string, number> } | null;
    const findings = await env.db.finding.count({ where: { repositoryId: repo.id } });
    happened.push(
      `scan \`${done.status}\` in ${((Date.now() - t1) / 1000).toFixed(0)} s (clone, scan and save by a worker process): \`stats.files\` ${stats?.files}, \`stats.skipped\` ${JSON.stringify(stats?.skipped)}, ${findings} findings (the 25 files over the cap hold the only \`eval\` calls), worker RSS at the end ${(
        Number(
          execFileSync("ps", ["-o", "rss=", "-p", String(w.pid)])
            .toString()
            .trim(),
        ) / 1024
      ).toFixed(0)} MB.`,
    );
    await jobFinished(env, scan.id, "job to complete", 30_000);
    happened.push(`checkouts left: ${checkoutsLeft(env.workRoot).length}.`);
    return {
      id: "many-files",
      title: "100,000 tiny files",
      did: "A repository of 100,025 one-line Python files (the last 25, in path order, each with an `eval()` call), scanned by a worker process.",
      expected:
        'The scan completes; at most 100,000 files are read (`DEFAULT_MAX_FILES`), the rest are reported in `stats.skipped["file-limit"]`.',
      happened,
      ok: done.status === "succeeded" && stats?.files === 100_000 && stats?.skipped?.["file-limit"] === 25 && findings === 0,
    };
  });
}
