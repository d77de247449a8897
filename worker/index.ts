// The scan worker process: `npm run worker`. Run as many as you like against one Redis and one Postgres.
import { config, type Config } from "../lib/config.ts";
import { checkSecretKey } from "../lib/credentials/key.ts";
import { createDb, redactUrl } from "../lib/db/client.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { startWorker } from "../lib/worker/processors.ts";

const log = (msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }));

// Every setting (lib/config.ts), and the key stored git credentials are sealed with (POSTURE_SECRET_KEY):
// refuse to start, naming the variable, without usable ones.
let settings: Config;
try {
  settings = config();
  checkSecretKey();
} catch (e) {
  console.error(`posture worker: ${(e as Error).message}`);
  process.exit(1);
}

const url = settings.databaseUrl;
const db = createDb(url);
const worker = await startWorker({
  db,
  databaseUrl: url,
  rulebook: loadRulebook(settings.rulesDir),
  redisUrl: settings.redisUrl,
  prefix: settings.queuePrefix,
  concurrency: settings.workerConcurrency,
  cloneTimeoutMs: settings.cloneTimeoutMs,
  scanTimeoutMs: settings.scanTimeoutMs,
  maxRepoBytes: settings.maxRepoBytes,
  log,
});
log("worker ready", { database: redactUrl(url), redis: redactUrl(settings.redisUrl), pid: process.pid });

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
