// The scan worker process: `npm run worker`. Run as many as you like against one Redis and one Postgres.
import { DEFAULT_RULES_DIR } from "../lib/cli/main.ts";
import { checkSecretKey } from "../lib/credentials/key.ts";
import { createDb, databaseUrl, redactUrl } from "../lib/db/client.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { redisUrl } from "../lib/queue/connection.ts";
import { startWorker } from "../lib/worker/processors.ts";

const log = (msg: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }));

// Stored git credentials are sealed with POSTURE_SECRET_KEY: refuse to start without a usable one.
try {
  checkSecretKey();
} catch (e) {
  console.error(`posture worker: ${(e as Error).message}`);
  process.exit(1);
}

const url = databaseUrl();
const db = createDb(url);
const worker = await startWorker({
  db,
  databaseUrl: url,
  rulebook: loadRulebook(process.env.POSTURE_RULES_DIR || DEFAULT_RULES_DIR),
  concurrency: Number(process.env.POSTURE_WORKER_CONCURRENCY || 2),
  cloneTimeoutMs: Number(process.env.POSTURE_CLONE_TIMEOUT_MS || 120_000),
  scanTimeoutMs: Number(process.env.POSTURE_SCAN_TIMEOUT_MS || 600_000),
  maxRepoBytes: Number(process.env.POSTURE_MAX_REPO_BYTES || 500 * 1024 * 1024),
  log,
});
log("worker ready", { database: redactUrl(url), redis: redactUrl(redisUrl()), pid: process.pid });

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log("worker stopping", { signal });
    await worker.close();
    await db.$disconnect();
    process.exit(0);
  });
}
