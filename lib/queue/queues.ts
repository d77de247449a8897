import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Settings } from "../db/client.ts";
import { queuePrefix, redisConnection } from "./connection.ts";
import { DomainError } from "../errors.ts";

export const SCAN_QUEUE = "scans";
export const ORG_QUEUE = "org";
export const ORG_RESCAN_SCHEDULER = "org-rescan";
/** Forge work (lib/connections, lib/hooks, lib/changes): connection syncs, push scans, change scans, statuses. */
export const FORGE_QUEUE = "forge";
export const SCAN_ATTEMPTS = 3;

export interface ScanJobData {
  scanId: string;
}

export interface Queues {
  scans: Queue<ScanJobData>;
  org: Queue;
  forge: Queue;
  prefix: string;
  close(): Promise<void>;
}

export class QueueUnavailableError extends DomainError {
  constructor() {
    super("queue_unavailable", "the scan queue is unavailable (Redis cannot be reached); try again shortly");
  }
}

export function createQueues(opts: { prefix?: string; connection?: Redis; role?: "worker" | "producer" } = {}): Queues {
  const connection = opts.connection ?? redisConnection(opts.role ?? "producer");
  const prefix = opts.prefix ?? queuePrefix();
  const scans = new Queue<ScanJobData>(SCAN_QUEUE, { connection, prefix });
  const org = new Queue(ORG_QUEUE, { connection, prefix });
  const forge = new Queue(FORGE_QUEUE, { connection, prefix });
  // A producer's Redis outage surfaces as QueueUnavailableError on use; don't crash on the emitted event.
  scans.on("error", () => undefined);
  org.on("error", () => undefined);
  forge.on("error", () => undefined);
  return {
    scans,
    org,
    forge,
    prefix,
    async close() {
      await Promise.allSettled([scans.close(), org.close(), forge.close()]);
      if (!opts.connection) connection.disconnect();
    },
  };
}

export const SCAN_JOB_OPTIONS = {
  attempts: SCAN_ATTEMPTS,
  backoff: { type: "exponential" as const, delay: 2000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

/** How long a producer waits for Redis before telling the user the queue is unavailable. */
export const QUEUE_TIMEOUT_MS = 3000;

/**
 * BullMQ waits for its connection to be ready and ioredis retries forever, so with Redis down a queue call
 * never settles. Producers give up after a bound. (A job added late, once Redis is back, finds its scan
 * already failed and does nothing.)
 */
export async function withinQueueTimeout<T>(op: Promise<T>, ms = QUEUE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([op, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new QueueUnavailableError()), ms)))]);
  } catch {
    throw new QueueUnavailableError();
  } finally {
    clearTimeout(timer);
    op.catch(() => undefined);
  }
}

export async function addScanJob(queues: Queues, scanId: string): Promise<void> {
  await withinQueueTimeout(queues.scans.add("scan", { scanId }, { ...SCAN_JOB_OPTIONS, jobId: scanId }));
}

/** Keeps the org-wide rescan job scheduler in line with settings (cron and time zone, or off). */
export async function applySchedule(
  queues: Queues,
  settings: Pick<Settings, "scheduleCron" | "scheduleTimezone" | "scheduleEnabled">,
): Promise<void> {
  if (!settings.scheduleEnabled) {
    await queues.org.removeJobScheduler(ORG_RESCAN_SCHEDULER);
    return;
  }
  await queues.org.upsertJobScheduler(
    ORG_RESCAN_SCHEDULER,
    { pattern: settings.scheduleCron, tz: settings.scheduleTimezone },
    { name: "rescan-all", data: { trigger: "schedule" } },
  );
}
