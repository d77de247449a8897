/**
 * Dashboard HTTP benchmark (npm run bench:dashboard [-- --no-report]): GET requests with autocannon against a
 * production build on the database filled by `npm run bench:seed`; p50/p95/p99, errors, non-2xx and the page's
 * bytes (the HTML document, which carries the inlined RSC payload of a first load) per page, against the
 * targets of the dashboard issue; results go to docs/BENCHMARKS.md.
 *
 * By default it runs the production build in POSTURE_BENCH_APP_DIR (default: this checkout; `npm run build`
 * first) itself, in one run: 1 web process at 1 connection, then 1 and 2 web processes at
 * POSTURE_BENCH_CONNECTIONS (10), each behind nginx (Debian's package; docs/DEPLOYMENT.md) on 127.0.0.1:3100 and
 * 3110, the processes on 3101 and 3102. Without nginx the 2-process run splits the connections between the
 * processes instead, and says so. POSTURE_BENCH_URL measures an already running server only, as one run.
 *
 * Environment: POSTURE_BENCH_URL, POSTURE_BENCH_APP_DIR, POSTURE_BENCH_COOKIE (a ready `posture_session=...`
 * cookie; otherwise a session for the bench admin is created directly in the database), POSTURE_BENCH_DATABASE
 * (posture_bench), POSTURE_BENCH_CONNECTIONS (10), POSTURE_BENCH_SECONDS (10), POSTURE_BENCH_WARMUP_SECONDS (3).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { createSession, SESSION_COOKIE } from "../lib/auth/sessions.ts";
import { COVERAGE_TTL_SECONDS, ENTRY_TTL_SECONDS } from "../lib/dashboard/cache.ts";
import { createDb } from "../lib/db/client.ts";
import { BENCH_ADMIN_EMAIL, BENCH_DATABASE, benchDatabaseUrl } from "./dashboard-seed.ts";
import { measurePageBytes, type PageBytes, pageBytesLine, pageBytesMarkdown, weightOnlyPages, withinBudget } from "./page-bytes.ts";
import { machine, writeSection } from "./report.ts";

/** Ids the page list needs, looked up in the seeded database (the busiest of each, the worst case for a page). */
interface BenchIds {
  repository: string;
  policy: string;
  assignee: string;
}

interface Page {
  name: string;
  path: (ids: BenchIds) => string;
}

// The pages measured; edit here as the dashboard grows.
const PAGES: Page[] = [
  { name: "overview", path: () => "/" },
  { name: "heatmap", path: () => "/heatmap" },
  { name: "findings: severity=critical, sort -dueAt", path: () => "/findings?severity=critical&sort=-dueAt" },
  { name: "findings: status=open, sort -firstSeenAt", path: () => "/findings?status=open&sort=-firstSeenAt" },
  {
    name: "findings: repository, sort -severity",
    path: (i) => `/findings?repository=${encodeURIComponent(i.repository)}&sort=-severity`,
  },
  { name: "findings: policy, sort dueAt", path: (i) => `/findings?policy=${encodeURIComponent(i.policy)}&sort=dueAt` },
  { name: "findings: framework=bentoml, sort -firstSeenAt", path: () => "/findings?framework=bentoml&sort=-firstSeenAt" },
  {
    name: "findings: assignee, sort dueAt",
    path: (i) => `/findings?assignee=${encodeURIComponent(i.assignee)}&sort=dueAt`,
  },
  { name: "remediation", path: () => "/remediation" },
  { name: "repositories", path: () => "/repositories" },
];

const envSchema = z.object({
  POSTURE_BENCH_URL: z.string().url().optional(),
  POSTURE_BENCH_APP_DIR: z.string().min(1).default(process.cwd()),
  POSTURE_BENCH_COOKIE: z.string().min(1).optional(),
  POSTURE_BENCH_DATABASE: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .default(BENCH_DATABASE),
  POSTURE_BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(10),
  POSTURE_BENCH_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  POSTURE_BENCH_WARMUP_SECONDS: z.coerce.number().int().min(0).max(600).default(3),
});
function readEnv(): z.infer<typeof envSchema> {
  const parsedEnv = envSchema.safeParse(process.env);
  if (!parsedEnv.success) {
    const i = parsedEnv.error.issues[0]!;
    console.error(`bench:dashboard: ${i.path.join(".")}: ${i.message}`);
    process.exit(2);
  }
  return parsedEnv.data;
}

// autocannon ships no types; this is the part of its programmatic API used here.
export interface AutocannonResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(event: "response", fn: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
  stop(): void;
}
type Autocannon = (
  opts: { url: string; connections: number; duration: number; headers: Record<string, string> },
  cb: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/** One autocannon run against one URL; `stop()` ends it early (the result covers what ran until then). */
export function startAutocannon(
  url: string,
  cookie: string,
  connections: number,
  seconds: number,
  record?: (ms: number, status: number) => void,
): { result: Promise<AutocannonResult>; stop(): void } {
  let instance!: AutocannonInstance;
  const result = new Promise<AutocannonResult>((resolve, reject) => {
    instance = autocannon({ url, connections, duration: seconds, headers: { cookie } }, (err, r) => (err ? reject(err) : resolve(r)));
    if (record) instance.on("response", (_c, status, _b, ms) => record(ms, status));
  });
  return { result, stop: () => instance.stop() };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A session for the bench admin, created the way sign-in would (lib/auth/sessions.ts). */
export async function benchSessionCookie(databaseUrl: string, email = BENCH_ADMIN_EMAIL): Promise<string> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    const user = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) throw new Error(`no ${email} in ${databaseUrl}: run npm run bench:seed first`);
    return `${SESSION_COOKIE}=${await createSession(db, user.id, { userAgent: "posture bench:dashboard" })}`;
  } finally {
    await db.$disconnect();
  }
}

async function lookupIds(databaseUrl: string): Promise<BenchIds> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const one = async (sql: string) => {
      const { rows } = await c.query<{ id: string }>(sql);
      if (!rows[0]) throw new Error(`the bench database has no data for: ${sql}`);
      return rows[0].id;
    };
    const open = `status IN ('open', 'in_progress', 'reopened')`;
    return {
      repository: await one(`SELECT "repositoryId" AS id FROM "Finding" WHERE ${open} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`),
      policy: await one(`SELECT "policyId" AS id FROM "Finding" WHERE ${open} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`),
      assignee: await one(
        `SELECT "assigneeId" AS id FROM "Finding" WHERE ${open} AND "assigneeId" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
      ),
    };
  } finally {
    await c.end();
  }
}

export type Probe = { ok: true } | { ok: false; why: string; authFailed: boolean };

/** One request without following redirects: a redirect to /login means the cookie was refused. */
export async function probe(url: string, cookie: string): Promise<Probe> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { cookie }, redirect: "manual" });
  } catch (e) {
    throw new Error(
      `cannot reach ${url} (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}); start a production build first`,
    );
  }
  await res.arrayBuffer();
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get("location") ?? "";
    const authFailed = new URL(location, url).pathname === "/login";
    return {
      ok: false,
      authFailed,
      why: `${res.status} redirect to ${location}${authFailed ? " - AUTH FAILED: the session cookie was not accepted" : ""}`,
    };
  }
  if (res.status < 200 || res.status >= 300)
    return { ok: false, authFailed: false, why: `HTTP ${res.status}${res.status === 404 ? " (page not built yet?)" : ""}` };
  return { ok: true };
}

interface Row {
  page: Page;
  path: string;
  probe: Probe;
  requests?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  errors?: number;
  non2xx?: number;
  statuses?: string;
}

export const fmt = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? "-" : `${ms.toFixed(0)} ms`);

/** One configuration measured: how many web processes, how many connections, and where to send them. */
interface Setup {
  label: string;
  processes: number;
  connections: number;
  /** Base URLs; the connections are split between them (one URL: a proxy or a single process). */
  bases: string[];
}

const PROCESS_PORTS = [3101, 3102];
const NGINX_PORTS = { 1: 3100, 2: 3110 } as const;

function which(cmd: string): string | null {
  for (const dir of ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"])
    try {
      execFileSync(join(dir, cmd), ["-v"], { stdio: "ignore" });
      return join(dir, cmd);
    } catch {}
  return null;
}

async function waitFor(url: string, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      await (await fetch(url, { redirect: "manual" })).arrayBuffer();
      return;
    } catch {
      if (Date.now() > until) throw new Error(`nothing answers at ${url} after ${seconds} s`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** Starts the web processes and nginx; returns what to measure and how to stop it all. */
async function startServers(appDir: string, databaseUrl: string, connections: number) {
  const children: ChildProcess[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "posture-bench-nginx-"));
  const stop = async () => {
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const gone = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    DATABASE_URL: databaseUrl,
    POSTURE_SECRET_KEY: process.env.POSTURE_SECRET_KEY ?? randomBytes(32).toString("hex"),
    // Its own Redis prefix: the benchmark's cache entries never meet a development server's.
    POSTURE_QUEUE_PREFIX: "posture-bench",
    POSTURE_TRUSTED_PROXY: "1",
  };
  for (const port of PROCESS_PORTS) {
    const c = spawn(join(appDir, "node_modules/.bin/next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
      cwd: appDir,
      env: { ...env, PORT: String(port) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(c);
  }
  const nginx = which("nginx");
  try {
    for (const port of PROCESS_PORTS) await waitFor(`http://127.0.0.1:${port}/login`, 120);
    let two: string[];
    if (nginx) {
      const upstream = (name: string, ports: number[]) =>
        `upstream ${name} { least_conn; ${ports.map((p) => `server 127.0.0.1:${p};`).join(" ")} keepalive 32; }`;
      const server = (port: number, up: string) => `server { listen 127.0.0.1:${port};
        location / { proxy_pass http://${up}; proxy_http_version 1.1; proxy_set_header Connection "";
          proxy_set_header Host $host; proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Proto $scheme;
          proxy_set_header X-Forwarded-Host $host; proxy_buffering off; } }`;
      writeFileSync(
        join(scratch, "nginx.conf"),
        `worker_processes 1; pid ${scratch}/nginx.pid; error_log ${scratch}/error.log;
         events { worker_connections 1024; }
         http { access_log off; client_body_temp_path ${scratch}; proxy_temp_path ${scratch};
           ${upstream("one", PROCESS_PORTS.slice(0, 1))} ${upstream("two", PROCESS_PORTS)}
           ${server(NGINX_PORTS[1], "one")} ${server(NGINX_PORTS[2], "two")} }`,
      );
      children.push(spawn(nginx, ["-p", scratch, "-c", join(scratch, "nginx.conf"), "-g", "daemon off;"], { stdio: "inherit" }));
      await waitFor(`http://127.0.0.1:${NGINX_PORTS[2]}/login`, 30);
      two = [`http://127.0.0.1:${NGINX_PORTS[2]}`];
    } else two = PROCESS_PORTS.map((p) => `http://127.0.0.1:${p}`);
    const one = nginx ? `http://127.0.0.1:${NGINX_PORTS[1]}` : `http://127.0.0.1:${PROCESS_PORTS[0]}`;
    const setups: Setup[] = [
      { label: "1 process, 1 connection", processes: 1, connections: 1, bases: [one] },
      { label: `1 process, ${connections} connections`, processes: 1, connections, bases: [one] },
      { label: `2 processes, ${connections} connections`, processes: 2, connections, bases: two },
    ];
    return {
      setups,
      stop,
      proxy: nginx
        ? `nginx (${nginxVersion(nginx)}), least_conn`
        : "no proxy (nginx not installed): connections split between the processes",
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function nginxVersion(bin: string): string {
  // `nginx -v` writes its version to stderr.
  const r = spawnSync(bin, ["-v"], { encoding: "utf8" });
  return `${r.stderr ?? ""}`.trim().replace(/^nginx version: /, "") || "nginx";
}

/** Every page under one setup: the connections split evenly between its base URLs, all at once. */
async function measureSetup(setup: Setup, ids: BenchIds, cookie: string, env: z.infer<typeof envSchema>): Promise<Row[]> {
  const rows: Row[] = [];
  const share = (i: number) => Math.floor(setup.connections / setup.bases.length) + (i < setup.connections % setup.bases.length ? 1 : 0);
  for (const page of PAGES) {
    const path = page.path(ids);
    const p = await probe(setup.bases[0]! + path, cookie);
    const row: Row = { page, path, probe: p };
    rows.push(row);
    if (!p.ok) {
      console.log(`  ${page.name}: ${path}: not measured: ${p.why}`);
      continue;
    }
    if (env.POSTURE_BENCH_WARMUP_SECONDS)
      await Promise.all(setup.bases.map((b, i) => startAutocannon(b + path, cookie, share(i), env.POSTURE_BENCH_WARMUP_SECONDS).result));
    const times: number[] = [];
    const statuses = new Map<number, number>();
    const results = await Promise.all(
      setup.bases.map(
        (b, i) =>
          startAutocannon(b + path, cookie, share(i), env.POSTURE_BENCH_SECONDS, (ms, status) => {
            times.push(ms);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }).result,
      ),
    );
    times.sort((a, b) => a - b);
    Object.assign(row, {
      requests: results.reduce((n, r) => n + r.requests.total, 0),
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
      errors: results.reduce((n, r) => n + r.errors + r.timeouts, 0),
      non2xx: results.reduce((n, r) => n + r.non2xx, 0),
      statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(" "),
    });
    console.log(
      `  ${page.name}: ${row.requests} requests, p50 ${fmt(row.p50)}, p95 ${fmt(row.p95)}, p99 ${fmt(row.p99)}, errors ${row.errors}, non-2xx ${row.non2xx}`,
    );
  }
  return rows;
}

/** The issue's targets: p95 per page at 10 connections (and at 1 for the overview and findings views). */
function targetOf(page: Page, connections: number): number | undefined {
  if (connections === 1) return page.name === "overview" ? 150 : page.name.startsWith("findings") ? 100 : undefined;
  if (page.name.startsWith("findings")) return 200;
  return ["overview", "heatmap", "remediation", "repositories"].includes(page.name) ? 400 : undefined;
}

async function main() {
  let values: { "no-report"?: boolean };
  try {
    ({ values } = parseArgs({ options: { "no-report": { type: "boolean" } }, strict: true }));
  } catch (e) {
    console.error(`bench:dashboard: ${(e as Error).message}`);
    process.exit(2);
  }
  const env = readEnv();
  const databaseUrl = benchDatabaseUrl(env.POSTURE_BENCH_DATABASE);
  const ids = await lookupIds(databaseUrl);
  const cookie = env.POSTURE_BENCH_COOKIE ?? (await benchSessionCookie(databaseUrl));
  const auth = env.POSTURE_BENCH_COOKIE ? "cookie from POSTURE_BENCH_COOKIE" : `session created in the database for ${BENCH_ADMIN_EMAIL}`;
  const external = env.POSTURE_BENCH_URL?.replace(/\/+$/, "");
  const servers = external
    ? {
        setups: [
          {
            label: `${external}, ${env.POSTURE_BENCH_CONNECTIONS} connections`,
            processes: 0,
            connections: env.POSTURE_BENCH_CONNECTIONS,
            bases: [external],
          },
        ],
        stop: async () => {},
        proxy: "a server started by hand",
      }
    : await startServers(env.POSTURE_BENCH_APP_DIR, databaseUrl, env.POSTURE_BENCH_CONNECTIONS);
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: env.POSTURE_BENCH_APP_DIR }).toString().trim();
  } catch {}

  const load0 = loadavg()[0]!.toFixed(1);
  const measured: { setup: Setup; rows: Row[] }[] = [];
  let weights: PageBytes[] = [];
  try {
    weights = await measurePageBytes(servers.setups[0]!.bases[0]!, cookie, [
      ...PAGES.map((p) => ({ name: p.name, path: p.path(ids) })),
      ...weightOnlyPages(ids),
    ]);
    for (const w of weights) console.log(pageBytesLine(w));
    for (const setup of servers.setups) {
      console.log(
        `bench:dashboard: ${setup.label} (${auth}); ${env.POSTURE_BENCH_WARMUP_SECONDS} s warm-up + ${env.POSTURE_BENCH_SECONDS} s per page`,
      );
      measured.push({ setup, rows: await measureSetup(setup, ids, cookie, env) });
    }
  } finally {
    await servers.stop();
  }

  const all = measured.flatMap((m) => m.rows);
  const authFailed = all.some((r) => !r.probe.ok && r.probe.authFailed);
  if (authFailed)
    console.error(
      "AUTH FAILED: pages redirect to /login; the session cookie was not accepted (is the server running on the seeded database?)",
    );
  const verdict = (r: Row, connections: number) => {
    if (!r.probe.ok) return `not measured: ${r.probe.why}`;
    const target = targetOf(r.page, connections);
    if (target === undefined) return "report";
    return r.p95! < target && !r.errors && !r.non2xx ? "met" : "**not met**";
  };
  const sections = measured.map(({ setup, rows }) => [
    `### ${setup.label}`,
    "",
    "| page | path | requests | p50 | p95 | p99 | errors | non-2xx | target p95 | |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const target = targetOf(r.page, setup.connections);
      return `| ${r.page.name} | \`${r.path.replace(/=[a-z0-9_]*bench_[a-z0-9_]+/g, "=<id>")}\` | ${r.requests ?? "-"} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.errors ?? "-"} | ${r.non2xx ?? "-"} | ${target ? `< ${target} ms` : "-"} | ${verdict(r, setup.connections)} |`;
    }),
    "",
  ]);
  const md = [
    "## Dashboard pages over HTTP (`npm run bench:dashboard`)",
    "",
    `- Date: ${new Date().toISOString().slice(0, 10)}; commit ${commit}; machine: ${machine()}`,
    `- Production build (\`next start\`) on database \`${env.POSTURE_BENCH_DATABASE}\` from \`npm run bench:seed\`; ${servers.proxy}. Signed in as an admin (${auth}).`,
    `- autocannon, ${env.POSTURE_BENCH_WARMUP_SECONDS} s warm-up then ${env.POSTURE_BENCH_SECONDS} s per page; percentiles over every response of the measured run; any error or non-2xx response fails the target.`,
    `- The aggregates (the overview's, heatmap's and remediation's panels, the repositories list, every findings view's count) come from the shared Redis cache (lib/dashboard/cache.ts): counted at most once per panel and view per ${ENTRY_TTL_SECONDS} s (the coverage trend ${COVERAGE_TTL_SECONDS} s), as nothing changes the data during the run; the findings rows are read on every request. What a recount costs after a change is \`npm run bench:explain\`'s. Load average at the start ${load0}, at the end ${loadavg()[0]!.toFixed(1)} (other work on the machine slows every figure).`,
    authFailed ? "- **Authentication failed**: pages redirected to /login." : "",
    "",
    ...sections.flat(),
    pageBytesMarkdown(weights),
  ]
    .filter((l, i, a) => l !== "" || a[i - 1] !== "")
    .join("\n");
  if (!values["no-report"]) writeSection("dashboard", md);
  const failed =
    authFailed ||
    !weights.every(withinBudget) ||
    measured.some(({ setup, rows }) =>
      rows.some((r) => targetOf(r.page, setup.connections) !== undefined && verdict(r, setup.connections) !== "met"),
    );
  process.exitCode = failed ? 1 : 0;
}

// Run only as a command: bench/load.ts imports the harness above.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(`bench:dashboard failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
