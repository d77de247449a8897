/**
 * Throwaway services and real worker processes for the fault scenarios. PostgreSQL and Redis are started on
 * ports of their own from temporary directories, so restarting them disturbs no one else on the machine.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createDb, type Db } from "../../lib/db/client.ts";
import { ensureDatabase, migrate } from "../../lib/db/migrate.ts";
import { loadRulebook, type Rulebook } from "../../lib/engine/rulebook.ts";
import { scanDirectory } from "../../lib/engine/scan.ts";
import { createQueues, type Queues } from "../../lib/queue/queues.ts";
import { TEST_POLICY } from "../../test/support/test-policy.ts";

export const ROOT = join(import.meta.dirname, "../..");
/** The scenarios build their repositories under the temp directory: the folder local repositories may be in. */
export const LOCAL_REPOS_ROOT = tmpdir();
process.env.POSTURE_LOCAL_REPOS_ROOT = LOCAL_REPOS_ROOT;
// The worker and web app it starts refuse to start without one (lib/credentials/key.ts); the bench stores no credential.
process.env.POSTURE_SECRET_KEY ||= "posture-bench-key-not-secret-0123456789abcdef";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 180_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      /* the service may be down on purpose */
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 300)}`);
    await sleep(everyMs);
  }
}

function pgBin(name: string): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const p = `/usr/lib/postgresql/${v}/bin/${name}`;
    if (existsSync(p)) return p;
  }
  throw new Error(`${name} not found under /usr/lib/postgresql`);
}

/** Commands run as the postgres superuser when we are root (initdb refuses root). */
function asPostgres(cmd: string, args: string[]) {
  const isRoot = process.getuid?.() === 0;
  return isRoot
    ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" })
    : execFileSync(cmd, args, { stdio: "pipe" });
}

export interface Service {
  url: string;
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgres(port: number): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), "posture-rel-pg-"));
  execFileSync("chmod", ["777", dir]);
  const data = join(dir, "data");
  asPostgres(pgBin("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => asPostgres(pgBin("pg_ctl"), ["-D", data, "-o", opts, "-l", join(dir, "log"), "-w", "start"]);
  const stop = () => asPostgres(pgBin("pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    async restart(downMs = 0) {
      stop();
      await sleep(downMs);
      start();
    },
    async stop() {
      try {
        stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function startRedis(port: number): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), "posture-rel-redis-"));
  let proc: ChildProcess;
  // No persistence: a restart loses the queue, the hardest case (scans must be put back from Postgres).
  const start = async () => {
    proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      stdio: "ignore",
    });
    await waitFor(
      "redis",
      async () => {
        const r = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on("error", () => undefined);
        try {
          await r.connect();
          return (await r.ping()) === "PONG";
        } finally {
          r.disconnect();
        }
      },
      (ok) => ok,
      10_000,
    );
  };
  const stop = async () => {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 0) {
      await stop();
      await sleep(downMs);
      await start();
    },
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WorkerProcess {
  proc: ChildProcess;
  pid: number;
  logs: { msg: string; [k: string]: unknown }[];
  exited: Promise<number | null>;
}

export function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", join(ROOT, "worker/index.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    cwd: ROOT,
  });
  const logs: WorkerProcess["logs"] = [];
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  proc.stdout!.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n").filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (logs.some((l) => l.msg === "worker ready")) {
        clearInterval(timer);
        resolve({ proc, pid: proc.pid!, logs, exited });
      } else if (proc.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`worker exited: ${stderr.slice(-2000)}`));
      }
    }, 50);
  });
}

export async function stopWorker(w: WorkerProcess): Promise<number | null> {
  if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill("SIGTERM");
  const timeout = sleep(20_000).then(() => "timeout" as const);
  const r = await Promise.race([w.exited, timeout]);
  if (r === "timeout") {
    w.proc.kill("SIGKILL");
    return null;
  }
  return r;
}

/** A scratch database on a throwaway server, migrated, plus queues on a prefix of its own. */
export async function scratchEnvironment(pg: Service, redis: Service, label: string) {
  const dbUrl = `${pg.url}/posture_rel_${label}`;
  await ensureDatabase(dbUrl);
  await migrate(dbUrl);
  const db = createDb(dbUrl, { max: 4 });
  const prefix = `posture-rel-${label}`;
  const rulesDir = mkdtempSync(join(tmpdir(), "posture-rel-rules-"));
  writeFileSync(join(rulesDir, "test.policy.yaml"), TEST_POLICY);
  const rulebook: Rulebook = loadRulebook(rulesDir);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  connection.on("error", () => undefined);
  const queues: Queues = createQueues({ prefix, connection });
  const workRoot = mkdtempSync(join(tmpdir(), "posture-rel-work-"));
  const env = {
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url,
    POSTURE_QUEUE_PREFIX: prefix,
    POSTURE_RULES_DIR: rulesDir,
    POSTURE_ALLOW_LOCAL_REPOS: "1",
    POSTURE_LOCAL_REPOS_ROOT: LOCAL_REPOS_ROOT,
    POSTURE_WORKER_CONCURRENCY: "1",
    // Checkouts land here (os.tmpdir() follows TMPDIR), so "the checkout was removed" can be checked.
    TMPDIR: workRoot,
  };
  return {
    db,
    dbUrl,
    prefix,
    rulebook,
    queues,
    env,
    workRoot,
    async close() {
      await queues.close();
      connection.disconnect();
      await db.$disconnect();
      rmSync(rulesDir, { recursive: true, force: true });
      rmSync(workRoot, { recursive: true, force: true });
    },
  };
}

function git(dir: string, ...args: string[]) {
  return execFileSync("git", args, { cwd: dir, stdio: "pipe" }).toString().trim();
}

/**
 * A repository of `files` Python files with `perFile` eval() calls each: every call is a finding of the
 * test rulebook, so scan and save both take measurable time.
 */
export function makeRepo(dir: string, files: number, perFile: number): string {
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `pkg${Math.floor(i / 500)}`);
    mkdirSync(sub, { recursive: true });
    const body = Array.from({ length: perFile }, (_, k) => `def handler_${k}(x):\n    return eval(x + ${i * 1000 + k})\n`).join("\n");
    writeFileSync(join(sub, `m${i}.py`), body);
  }
  git(dir, "add", "-A");
  git(dir, "-c", "user.email=b@example.test", "-c", "user.name=Bench", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "init");
  return dir;
}

/** What one clean scan of the working tree finds: the reference a faulted scan must equal. */
export async function cleanFingerprints(dir: string, rulebook: Rulebook): Promise<string[]> {
  const r = await scanDirectory(dir, { checks: rulebook.checks });
  return r.findings.map((f) => f.fingerprint).sort();
}

export async function storedFingerprints(db: Db, repositoryId: string) {
  const rows = await db.finding.findMany({ where: { repositoryId }, select: { fingerprint: true, status: true } });
  const events = await db.findingEvent.count({ where: { finding: { repositoryId }, type: "detected" } });
  const fps = rows.map((r) => r.fingerprint).sort();
  return { fps, distinct: new Set(fps).size, open: rows.filter((r) => r.status === "open").length, detectedEvents: events };
}

export function sameSets(a: string[], b: string[]): { equal: boolean; missing: number; extra: number } {
  const A = new Set(a);
  const B = new Set(b);
  const missing = [...A].filter((x) => !B.has(x)).length;
  const extra = [...B].filter((x) => !A.has(x)).length;
  return { equal: missing === 0 && extra === 0 && a.length === b.length, missing, extra };
}

export function checkoutsLeft(workRoot: string): string[] {
  return existsSync(workRoot) ? readdirSync(workRoot).filter((d) => d.startsWith("posture-checkout-")) : [];
}
