/**
 * The system under test: a production build of the web app (its own build directory, so it never disturbs
 * ./bin/start's), the real scan worker, a scratch database and a Redis key prefix of its own.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
// E2E_STATE_FILE keeps two e2e runs on one machine (each with its own E2E_BASE_URL port) apart.
export const STATE_FILE = process.env.E2E_STATE_FILE || join(ROOT, "test-results", "e2e-state.json");
export const PASSWORD = "e2e correct horse battery";

export interface StackState {
  baseURL: string;
  databaseUrl: string;
  queuePrefix: string;
  workDir: string;
  pids: number[];
  users: Record<"admin" | "lead" | "engineer" | "viewer", { email: string; password: string; id: string; token: string }>;
}

export function env(state: Pick<StackState, "databaseUrl" | "queuePrefix" | "workDir">): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: state.databaseUrl,
    POSTURE_QUEUE_PREFIX: state.queuePrefix,
    POSTURE_ALLOW_LOCAL_REPOS: "1",
    // The app and the worker refuse to start without it (lib/credentials/key.ts).
    POSTURE_SECRET_KEY: process.env.POSTURE_SECRET_KEY || "posture-e2e-key-not-secret-0123456789abcdef",
    // The scenarios' repositories are built in the work directory: the one folder local repositories may be in.
    POSTURE_LOCAL_REPOS_ROOT: state.workDir,
    // E2E_DIST_DIR lets a second checkout's (or engineer's) e2e run build beside this one instead of over it.
    NEXT_DIST_DIR: process.env.E2E_DIST_DIR || ".next-e2e",
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  };
}

export function readState(): StackState {
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as StackState;
}

export function writeState(state: StackState): void {
  mkdirSync(join(ROOT, "test-results"), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

export function newStackIdentity() {
  const id = `${process.pid}_${randomBytes(3).toString("hex")}`;
  return {
    databaseUrl: `${process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432"}/posture_e2e_${id}`,
    queuePrefix: `posture-test-e2e-${id}`,
    workDir: join(tmpdir(), `posture-e2e-${id}`),
  };
}

/** A production build in .next-e2e; E2E_SKIP_BUILD=1 reuses the last one (while iterating on tests). */
export function build(e: NodeJS.ProcessEnv): void {
  if (process.env.E2E_SKIP_BUILD === "1" && existsSync(join(ROOT, e.NEXT_DIST_DIR ?? ".next-e2e", "BUILD_ID"))) return;
  execFileSync("npx", ["next", "build"], { cwd: ROOT, env: e, stdio: ["ignore", "ignore", "inherit"] });
}

export function startProcess(cmd: string, args: string[], e: NodeJS.ProcessEnv, logName: string): ChildProcess {
  mkdirSync(join(ROOT, "test-results"), { recursive: true });
  const log = join(ROOT, "test-results", `${logName}.log`);
  const child = spawn(cmd, args, { cwd: ROOT, env: e, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const chunks: string[] = [];
  child.stdout!.on("data", (d: Buffer) => chunks.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => chunks.push(d.toString()));
  const flush = setInterval(() => writeFileSync(log, chunks.join("")), 1000);
  child.on("exit", () => {
    clearInterval(flush);
    writeFileSync(log, chunks.join(""));
  });
  child.unref();
  return child;
}

export async function waitForHttp(url: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url, { redirect: "manual" });
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    /* already gone */
  }
}
