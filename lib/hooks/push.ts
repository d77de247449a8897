/**
 * A push to a repository's tracked branch asks for a scan of the pushed commit:
 *  - a commit already scanned is not scanned again: its status is posted from that scan;
 *  - a scan already queued (not yet cloning) is pinned to the commit instead of queuing a second one;
 *  - while a scan is running, the push waits on the forge queue and asks again when it is done (one active
 *    scan per repository is the rule, lib/scan/enqueue.ts);
 *  - otherwise a scan is queued with the commit as its requestedSha.
 * The scan clones the branch and, when the branch has moved on by then, fetches the pushed commit by its id
 * (lib/git/git.ts checkoutCommit). Only when the remote no longer serves it (force-pushed away) is the newer head
 * scanned instead, which the scan records (Scan.commitSha) and the status report then says.
 */
import { SYSTEM } from "../audit.ts";
import type { Db } from "../db/client.ts";
import type { Queues } from "../queue/queues.ts";
import { ACTIVE_SCAN_STATUSES, enqueueScan } from "../scan/enqueue.ts";
import { addForgeJob } from "../connections/jobs.ts";

export type PushOutcome =
  | "archived"
  | "already scanned"
  | "already queued"
  | "joined the queued scan"
  | "waiting for the running scan"
  | "busy"
  | "scan queued";

/** How long a push waits for the repository's running scan before asking again. */
export const PUSH_RETRY_MS = 5000;

/**
 * `fromJob`: called by the forge queue's push job, which delays itself when the repository is still busy
 * ("busy") rather than queuing another job.
 */
export async function requestPushScan(
  db: Db,
  queues: Queues,
  repositoryId: string,
  sha: string,
  opts: { fromJob?: boolean } = {},
): Promise<PushOutcome> {
  const repo = await db.repository.findUnique({ where: { id: repositoryId }, select: { archivedAt: true } });
  if (!repo || repo.archivedAt) return "archived";
  const done = await db.scan.findFirst({
    where: { repositoryId, commitSha: sha, status: { in: ["succeeded", "unchanged"] } },
    orderBy: { finishedAt: "desc" },
    select: { id: true },
  });
  if (done) {
    await addForgeJob(queues, { name: "report", data: { scanId: done.id, sha } });
    return "already scanned";
  }
  const active = await db.scan.findFirst({
    where: { repositoryId, status: { in: [...ACTIVE_SCAN_STATUSES] } },
    orderBy: { queuedAt: "desc" },
    select: { id: true, status: true, requestedSha: true },
  });
  if (active?.requestedSha === sha) return "already queued";
  if (active?.status === "queued") {
    // Only while no worker has started it: a scan that is cloning already may have a different head.
    const pinned = await db.scan.updateMany({ where: { id: active.id, status: "queued" }, data: { requestedSha: sha, trigger: "push" } });
    if (pinned.count === 1) return "joined the queued scan";
  }
  if (active) {
    if (opts.fromJob) return "busy";
    await addForgeJob(queues, { name: "push", data: { repositoryId, sha } }, { delayMs: PUSH_RETRY_MS });
    return "waiting for the running scan";
  }
  const { created } = await enqueueScan(db, queues, repositoryId, "push", SYSTEM, { requestedSha: sha });
  if (created) return "scan queued";
  // Another request queued one in between: ask again once it is under way.
  if (opts.fromJob) return "busy";
  await addForgeJob(queues, { name: "push", data: { repositoryId, sha } }, { delayMs: PUSH_RETRY_MS });
  return "waiting for the running scan";
}
