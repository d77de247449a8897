/**
 * The scan worker: BullMQ processors that are thin calls into lib/scan, plus the periodic housekeeping. It sits
 * above both lib/scan and lib/queue (the queue definitions, which lib/scan uses to enqueue), so neither folder
 * imports the other's dependents back.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { SYSTEM, type Actor } from "../audit.ts";
import { syncCatalogue } from "../catalogue.ts";
import type { Db } from "../db/client.ts";
import type { Rulebook } from "../engine/rulebook.ts";
import { rescanAll, requeueOrphans } from "../scan/enqueue.ts";
import { PermanentScanError } from "../scan/failure.ts";
import { removeOrphanedCheckouts } from "../scan/checkout.ts";
import { RepositoryBusyError } from "../scan/lock.ts";
import { runScan, type PipelineContext } from "../scan/pipeline.ts";
import { expireAcceptedRisks } from "../findings/triage.ts";
import { getSettings } from "../settings.ts";
import { config } from "../config.ts";
import { redisConnection } from "../queue/connection.ts";
import { applySchedule, createQueues, FORGE_QUEUE, ORG_QUEUE, SCAN_QUEUE, type ScanJobData } from "../queue/queues.ts";
import type { HttpOptions } from "../forge/http.ts";
import { addForgeJob, type ForgeJob } from "../connections/jobs.ts";
import { syncConnection } from "../connections/sync.ts";
import { requestPushScan, PUSH_RETRY_MS } from "../hooks/push.ts";
import { reportPushScan } from "../hooks/report.ts";
import { pruneDeliveries } from "../hooks/receive.ts";
import { runChangeScan } from "../changes/run.ts";
import { reportChangeScan } from "../changes/report.ts";

export interface WorkerOptions {
  db: Db;
  databaseUrl: string;
  rulebook: Rulebook;
  redisUrl?: string;
  prefix?: string;
  concurrency?: number;
  cloneTimeoutMs?: number;
  scanTimeoutMs?: number;
  maxRepoBytes?: number;
  allowLocalRepos?: boolean;
  /** Where checkouts go (default: the OS temp directory). */
  workRoot?: string;
  /** How the forges' APIs are reached (tests trust their fake forge's certificate). */
  forge?: HttpOptions;
  /** The dashboard's address for links in statuses and comments (default POSTURE_PUBLIC_URL). */
  publicUrl?: string | null;
  /** How often orphaned scans are looked for; 0 disables. */
  reconcileEveryMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface RunningWorker {
  close(): Promise<void>;
}

const BUSY_RETRY_MS = 3000;

/**
 * A killed worker's scan goes back to the queue once its lock has expired and a stalled check has seen it
 * twice (BullMQ marks active jobs on one check and moves those still unlocked on the next), so recovery takes
 * about lockDuration + stalledInterval after the kill. The lock is renewed four times per lockDuration, so a
 * live worker loses it only after 4.5 s without a renewal (the longest event-loop stall measured in a scan of
 * 18,000 findings is 1.5 s; a Redis hiccup can be longer); if it does,
 * the per-repository advisory lock in lib/scan/pipeline.ts keeps the second worker from scanning the same
 * repository at the same time (it waits, then finds the scan finished). Two stalls are tolerated before
 * BullMQ fails a job, since a short lock makes a spurious stall on a busy machine likelier.
 */
export const SCAN_LOCK = { lockDuration: 6_000, lockRenewTime: 1_500, stalledInterval: 2_000, maxStalledCount: 2 } as const;

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? (() => undefined);
  // A mistyped setting (a network, a number) would otherwise fail each scan as an internal error: refuse to start instead.
  config();
  await syncCatalogue(opts.db, opts.rulebook);
  const orphans = await removeOrphanedCheckouts(opts.workRoot);
  if (orphans.length) log("removed checkouts of workers that are gone", { count: orphans.length });
  const queues = createQueues({ prefix: opts.prefix, connection: redisConnection("worker", opts.redisUrl) });
  await applySchedule(queues, await getSettings(opts.db));

  const ctx: PipelineContext = {
    db: opts.db,
    databaseUrl: opts.databaseUrl,
    rulebook: opts.rulebook,
    cloneTimeoutMs: opts.cloneTimeoutMs,
    scanTimeoutMs: opts.scanTimeoutMs,
    maxRepoBytes: opts.maxRepoBytes,
    allowLocalRepos: opts.allowLocalRepos,
    workRoot: opts.workRoot,
    forge: opts.forge,
    log,
  };

  // A push scan's status goes to the forge once the scan is done (or has failed): a job of its own, so a
  // forge's rate limit never holds a scan slot.
  const afterScan = async (scanId: string) => {
    const s = await opts.db.scan.findUnique({ where: { id: scanId }, select: { requestedSha: true, status: true } });
    if (s?.requestedSha && ["succeeded", "unchanged", "failed"].includes(s.status))
      await addForgeJob(queues, { name: "report", data: { scanId, sha: s.requestedSha } }).catch((e) =>
        log("could not queue the push status", { scanId, error: (e as Error).message }),
      );
  };
  const scanWorker = new Worker<ScanJobData>(
    SCAN_QUEUE,
    async (job: Job<ScanJobData>, token?: string) => {
      log("scan job started", { scanId: job.data.scanId, attempt: job.attemptsMade + 1, stalledCounter: job.stalledCounter });
      try {
        const outcome = await runScan(ctx, job.data.scanId, { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 });
        await afterScan(job.data.scanId);
        return outcome;
      } catch (e) {
        if (e instanceof PermanentScanError) {
          await afterScan(job.data.scanId);
          throw new UnrecoverableError(e.message);
        }
        if (e instanceof RepositoryBusyError) {
          log("repository busy, scan delayed", { scanId: job.data.scanId, retryInMs: BUSY_RETRY_MS });
          await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
          throw new DelayedError();
        }
        throw e;
      }
    },
    { connection: redisConnection("worker", opts.redisUrl), prefix: queues.prefix, concurrency: opts.concurrency ?? 2, ...SCAN_LOCK },
  );
  const orgWorker = new Worker(
    ORG_QUEUE,
    async (job: Job) => {
      if (job.name === "rescan-all") {
        const requested = job.data?.trigger === "manual";
        const by = job.data?.actor as Actor | undefined;
        // On the schedule, every connected organisation is synced too: new repositories registered (and
        // scanned), gone ones archived, renames followed.
        if (!requested) {
          for (const c of await opts.db.forgeConnection.findMany({ select: { id: true } }))
            await addForgeJob(queues, { name: "sync", data: { connectionId: c.id } }).catch((e) =>
              log("could not queue a connection sync", { connectionId: c.id, error: (e as Error).message }),
            );
        }
        return rescanAll(opts.db, queues, requested ? "manual" : "schedule", requested && by ? by : SYSTEM, log);
      }
      throw new UnrecoverableError(`unknown job ${job.name}`);
    },
    { connection: redisConnection("worker", opts.redisUrl), prefix: queues.prefix, concurrency: 1 },
  );
  const forgeWorker = new Worker(
    FORGE_QUEUE,
    async (job: Job, token?: string) => {
      const j = { name: job.name, data: job.data } as ForgeJob;
      const http = { forge: opts.forge, publicUrl: opts.publicUrl };
      switch (j.name) {
        case "sync":
          return (await syncConnection(opts.db, queues, j.data.connectionId, { http: opts.forge, actor: j.data.actor ?? SYSTEM, log }))
            .message;
        case "push": {
          const outcome = await requestPushScan(opts.db, queues, j.data.repositoryId, j.data.sha, { fromJob: true });
          if (outcome === "busy") {
            await job.moveToDelayed(Date.now() + PUSH_RETRY_MS, token);
            throw new DelayedError();
          }
          return outcome;
        }
        case "change": {
          const run = await runChangeScan({ ...ctx }, j.data.changeScanId, { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 });
          if (run === "succeeded" || run === "failed" || run === "skipped")
            return `${run}; ${await reportChangeScan(opts.db, j.data.changeScanId, { http: http.forge, publicUrl: http.publicUrl })}`;
          return run;
        }
        case "report":
          return reportPushScan(opts.db, j.data.scanId, j.data.sha, { http: http.forge, publicUrl: http.publicUrl });
        default:
          throw new UnrecoverableError(`unknown job ${job.name}`);
      }
    },
    { connection: redisConnection("worker", opts.redisUrl), prefix: queues.prefix, concurrency: 2 },
  );
  for (const w of [scanWorker, orgWorker, forgeWorker]) w.on("error", (e) => log("queue error", { error: e.message }));

  const reconcileEvery = opts.reconcileEveryMs ?? 60_000;
  // Each round's failures (the database or Redis down for a while) are logged and the next round tries again.
  const failed = (task: string) => (e: unknown) =>
    log("housekeeping failed", { task, error: e instanceof Error ? e.message.split("\n").pop() : String(e) });
  const timer = reconcileEvery
    ? setInterval(() => {
        requeueOrphans(opts.db, queues)
          .then((n) => n && log("requeued orphaned scans", { count: n }))
          .catch(failed("requeue orphaned scans"));
        expireAcceptedRisks(opts.db)
          .then((n) => n && log("accepted risks expired", { count: n }))
          .catch(failed("expire accepted risks"));
        pruneDeliveries(opts.db)
          .then((n) => n && log("old webhook deliveries forgotten", { count: n }))
          .catch(failed("prune webhook deliveries"));
        // The settings page applies a new schedule at once, but not while Redis was down: catch up here.
        getSettings(opts.db)
          .then((s) => applySchedule(queues, s))
          .catch(failed("apply the rescan schedule"));
      }, reconcileEvery)
    : undefined;

  return {
    async close() {
      if (timer) clearInterval(timer);
      await Promise.allSettled([scanWorker.close(), orgWorker.close(), forgeWorker.close()]);
      await queues.close();
    },
  };
}
