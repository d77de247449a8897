/**
 * Jobs on the forge queue (lib/queue/queues.ts FORGE_QUEUE), run by the worker (lib/worker/processors.ts):
 *  - sync:   one connection's repositories listed and registered, archived, restored, renamed;
 *  - push:   a pushed commit to scan once the repository's running scan is done (lib/hooks/push.ts);
 *  - change: one pull/merge request's change scan (lib/changes/run.ts);
 *  - report: a push scan's commit status posted to the forge (lib/hooks/report.ts).
 * Each has a job id made of what it is about, so the same work asked for twice while it waits is queued once.
 */
import { withinQueueTimeout, type Queues } from "../queue/queues.ts";

export type ForgeJob =
  | { name: "sync"; data: { connectionId: string; actor?: { id: string | null; label: string; ip?: string | null } } }
  | { name: "push"; data: { repositoryId: string; sha: string } }
  | { name: "change"; data: { changeScanId: string } }
  | { name: "report"; data: { scanId: string; sha: string } };

const OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential" as const, delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
};

function jobId(job: ForgeJob): string {
  switch (job.name) {
    case "sync":
      return `sync-${job.data.connectionId}`;
    case "push":
      return `push-${job.data.repositoryId}-${job.data.sha}`;
    case "change":
      return `change-${job.data.changeScanId}`;
    case "report":
      return `report-${job.data.scanId}-${job.data.sha}`;
  }
}

export async function addForgeJob(queues: Queues, job: ForgeJob, opts: { delayMs?: number } = {}): Promise<void> {
  await withinQueueTimeout(
    queues.forge.add(job.name, job.data, { ...OPTIONS, jobId: jobId(job), ...(opts.delayMs ? { delay: opts.delayMs } : {}) }),
  );
}
