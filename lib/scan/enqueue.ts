import { audit, SYSTEM, type Actor } from "../audit.ts";
import type { Db, Scan, ScanTrigger } from "../db/client.ts";
import { addScanJob, QueueUnavailableError, withinQueueTimeout, type Queues } from "../queue/queues.ts";
import { DomainError } from "../errors.ts";

export const ACTIVE_SCAN_STATUSES = ["queued", "cloning", "scanning", "saving"] as const;

export class RepositoryNotScannableError extends DomainError {
  declare readonly code: "not_found" | "archived";
  constructor(code: "not_found" | "archived", message: string) {
    super(code, message);
  }
}

/**
 * Queues a scan unless one is already queued or running for the repository (then returns that one).
 * The repository row lock makes two concurrent requests agree on one scan.
 */
export async function enqueueScan(
  db: Db,
  queues: Queues,
  repositoryId: string,
  trigger: ScanTrigger,
  actor: Actor = SYSTEM,
  opts: { requestedSha?: string } = {},
): Promise<{ scan: Scan; created: boolean }> {
  const { scan, created } = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ archivedAt: Date | null }[]>(
      'SELECT "archivedAt" FROM "Repository" WHERE id = $1 FOR UPDATE',
      repositoryId,
    );
    if (rows.length === 0) throw new RepositoryNotScannableError("not_found", "no such repository");
    if (rows[0]!.archivedAt) throw new RepositoryNotScannableError("archived", "the repository is archived");
    const active = await tx.scan.findFirst({
      where: { repositoryId, status: { in: [...ACTIVE_SCAN_STATUSES] } },
      orderBy: { queuedAt: "desc" },
    });
    if (active) return { scan: active, created: false };
    // A push scan names its commit (lib/hooks/push.ts): its status is posted for that commit only.
    const scan = await tx.scan.create({ data: { repositoryId, trigger, status: "queued", requestedSha: opts.requestedSha ?? null } });
    await audit(tx, actor, {
      action: "scan.trigger",
      targetType: "repository",
      targetId: repositoryId,
      after: { scanId: scan.id, trigger },
    });
    return { scan, created: true };
  });
  if (created) {
    try {
      await addScanJob(queues, scan.id);
    } catch (e) {
      // Never leave a scan "queued" that no worker will ever see.
      await db.scan.update({
        where: { id: scan.id },
        data: { status: "failed", failureCode: "queue_unavailable", failureReason: (e as Error).message, finishedAt: new Date() },
      });
      throw e;
    }
  }
  return { scan, created };
}

export interface RescanSummary {
  queued: number;
  alreadyQueued: number;
  failed: number;
}

/** One scan per active repository, skipping those already queued or running. */
export async function rescanAll(
  db: Db,
  queues: Queues,
  trigger: ScanTrigger,
  actor: Actor = SYSTEM,
  log?: (msg: string, fields?: Record<string, unknown>) => void,
): Promise<RescanSummary> {
  const repos = await db.repository.findMany({ where: { archivedAt: null }, select: { id: true }, orderBy: { createdAt: "asc" } });
  const summary: RescanSummary = { queued: 0, alreadyQueued: 0, failed: 0 };
  for (const r of repos) {
    try {
      const { created } = await enqueueScan(db, queues, r.id, trigger, actor);
      if (created) summary.queued++;
      else summary.alreadyQueued++;
    } catch (e) {
      // With the queue down every other repository would wait out the same timeout: stop and say so.
      if (e instanceof QueueUnavailableError) throw e;
      summary.failed++;
      log?.("rescan: could not queue a repository", {
        repositoryId: r.id,
        error: e instanceof Error ? e.message.split("\n").pop() : String(e),
      });
    }
  }
  return summary;
}

/**
 * "Rescan all" from the dashboard or the API: one job on the org queue, answered at once. Fanning out a scan
 * per repository takes a while for a large organisation (a transaction each), so a worker does it, as it does
 * for the schedule, instead of holding the request open.
 */
export async function requestRescanAll(db: Db, queues: Queues, actor: Actor = SYSTEM): Promise<{ requested: true; repositories: number }> {
  const repositories = await db.repository.count({ where: { archivedAt: null } });
  await withinQueueTimeout(
    queues.org.add(
      "rescan-all",
      { trigger: "manual", actor: { id: actor.id, label: actor.label, ip: actor.ip ?? null } },
      { removeOnComplete: 100, removeOnFail: 100 },
    ),
  );
  await audit(db, actor, { action: "scan.rescan_all", targetType: "organisation", after: { repositories } });
  return { requested: true, repositories };
}

/**
 * Scans the database believes are queued or running but the queue has lost (e.g. Redis restarted without
 * persistence) are put back on the queue. Safe to run from every worker: the job id is the scan id.
 */
export async function requeueOrphans(db: Db, queues: Queues, olderThanMs = 30_000): Promise<number> {
  const stale = await db.scan.findMany({
    where: { status: { in: [...ACTIVE_SCAN_STATUSES] }, queuedAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true },
  });
  let requeued = 0;
  for (const s of stale) {
    if (await withinQueueTimeout(queues.scans.getJob(s.id))) continue;
    await addScanJob(queues, s.id);
    requeued++;
  }
  return requeued;
}
