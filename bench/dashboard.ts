/**
 * Dashboard HTTP benchmark (npm run bench:dashboard [-- --no-report]): GET requests with autocannon against a
 * running production build on the database filled by `npm run bench:seed`; p50/p95/p99, errors and non-2xx per
 * page, against the targets of the dashboard issue; results go to docs/BENCHMARKS.md.
 *
 * Environment: POSTURE_BENCH_URL (default http://127.0.0.1:3100), POSTURE_BENCH_COOKIE (a ready
 * `posture_session=...` cookie; otherwise a session for the bench admin is created directly in the database),
 * POSTURE_BENCH_DATABASE (posture_bench), POSTURE_BENCH_CONNECTIONS (10), POSTURE_BENCH_SECONDS (10),
 * POSTURE_BENCH_WARMUP_SECONDS (3).
 *
 * The server must use the seeded database, e.g.
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/posture_bench PORT=3100 npm run start:web
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { createSession, SESSION_COOKIE } from "../lib/auth/sessions.ts";
import { createDb } from "../lib/db/client.ts";
import { BENCH_ADMIN_EMAIL, BENCH_DATABASE, benchDatabaseUrl } from "./dashboard-seed.ts";
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
  /** p95 target in ms, from the issue; pages without one are reported only. */
  targetP95?: number;
}

// The pages measured; edit here as the dashboard grows.
const PAGES: Page[] = [
  { name: "overview", path: () => "/", targetP95: 300 },
  { name: "heatmap", path: () => "/heatmap", targetP95: 300 },
  { name: "findings: severity=critical, sort -dueAt", path: () => "/findings?severity=critical&sort=-dueAt", targetP95: 150 },
  { name: "findings: status=open, sort -firstSeenAt", path: () => "/findings?status=open&sort=-firstSeenAt", targetP95: 150 },
  {
    name: "findings: repository, sort -severity",
    path: (i) => `/findings?repository=${encodeURIComponent(i.repository)}&sort=-severity`,
    targetP95: 150,
  },
  { name: "findings: policy, sort dueAt", path: (i) => `/findings?policy=${encodeURIComponent(i.policy)}&sort=dueAt`, targetP95: 150 },
  { name: "findings: framework=bentoml, sort -firstSeenAt", path: () => "/findings?framework=bentoml&sort=-firstSeenAt", targetP95: 150 },
  {
    name: "findings: assignee, sort dueAt",
    path: (i) => `/findings?assignee=${encodeURIComponent(i.assignee)}&sort=dueAt`,
    targetP95: 150,
  },
  { name: "remediation", path: () => "/remediation" },
  { name: "repositories", path: () => "/repositories" },
];

const envSchema = z.object({
  POSTURE_BENCH_URL: z.string().url().default("http://127.0.0.1:3100"),
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

async function main() {
  let values: { "no-report"?: boolean };
  try {
    ({ values } = parseArgs({ options: { "no-report": { type: "boolean" } }, strict: true }));
  } catch (e) {
    console.error(`bench:dashboard: ${(e as Error).message}`);
    process.exit(2);
  }
  const env = readEnv();
  const run = (url: string, cookie: string, seconds: number, record?: (ms: number, status: number) => void) =>
    startAutocannon(url, cookie, env.POSTURE_BENCH_CONNECTIONS, seconds, record).result;
  const base = env.POSTURE_BENCH_URL.replace(/\/+$/, "");
  const databaseUrl = benchDatabaseUrl(env.POSTURE_BENCH_DATABASE);
  const ids = await lookupIds(databaseUrl);
  const cookie = env.POSTURE_BENCH_COOKIE ?? (await benchSessionCookie(databaseUrl));
  const auth = env.POSTURE_BENCH_COOKIE ? "cookie from POSTURE_BENCH_COOKIE" : `session created in the database for ${BENCH_ADMIN_EMAIL}`;
  console.log(
    `bench:dashboard against ${base} (${auth}); ${env.POSTURE_BENCH_CONNECTIONS} connections, ${env.POSTURE_BENCH_WARMUP_SECONDS} s warm-up + ${env.POSTURE_BENCH_SECONDS} s per page`,
  );

  const rows: Row[] = [];
  for (const page of PAGES) {
    const path = page.path(ids);
    const url = base + path;
    const p = await probe(url, cookie);
    const row: Row = { page, path, probe: p };
    rows.push(row);
    if (!p.ok) {
      console.log(`${page.name}: ${path}: not measured: ${p.why}`);
      continue;
    }
    if (env.POSTURE_BENCH_WARMUP_SECONDS) await run(url, cookie, env.POSTURE_BENCH_WARMUP_SECONDS);
    const times: number[] = [];
    const statuses = new Map<number, number>();
    const result = await run(url, cookie, env.POSTURE_BENCH_SECONDS, (ms, status) => {
      times.push(ms);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    times.sort((a, b) => a - b);
    Object.assign(row, {
      requests: result.requests.total,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(" "),
    });
    const verdict =
      page.targetP95 === undefined
        ? ""
        : row.p95! < page.targetP95 && !row.errors && !row.non2xx
          ? ` (target < ${page.targetP95} ms: met)`
          : ` (target < ${page.targetP95} ms: NOT met)`;
    console.log(
      `${page.name}: ${path}: ${row.requests} requests, p50 ${fmt(row.p50)}, p95 ${fmt(row.p95)}, p99 ${fmt(row.p99)}, errors ${row.errors}, non-2xx ${row.non2xx} [${row.statuses}]${verdict}`,
    );
  }

  const authFailed = rows.some((r) => !r.probe.ok && r.probe.authFailed);
  if (authFailed)
    console.error(
      "AUTH FAILED: pages redirect to /login; the session cookie was not accepted (is the server running on the seeded database?)",
    );

  const status = (r: Row) => {
    if (!r.probe.ok) return `not measured: ${r.probe.why}`;
    if (r.page.targetP95 === undefined) return "report";
    return r.p95! < r.page.targetP95 && !r.errors && !r.non2xx ? "met" : "**not met**";
  };
  const table = rows.map(
    (r) =>
      `| ${r.page.name} | \`${r.path.replace(/=[a-z0-9_]*bench_[a-z0-9_]+/g, "=<id>")}\` | ${r.requests ?? "-"} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.errors ?? "-"} | ${r.non2xx ?? "-"} | ${r.page.targetP95 ? `< ${r.page.targetP95} ms` : "-"} | ${status(r)} |`,
  );
  const md = [
    "## Dashboard pages over HTTP (`npm run bench:dashboard`)",
    "",
    `- Date: ${new Date().toISOString().slice(0, 10)}; machine: ${machine()}`,
    `- Production build at ${base}, database \`${env.POSTURE_BENCH_DATABASE}\` from \`npm run bench:seed\` (1,000 repositories, 500,000 findings, 180 days by default). Signed in as an admin (${auth}).`,
    `- autocannon, ${env.POSTURE_BENCH_CONNECTIONS} connections, ${env.POSTURE_BENCH_WARMUP_SECONDS} s warm-up then ${env.POSTURE_BENCH_SECONDS} s per page; percentiles over every response of the measured run; any error or non-2xx response fails the target.`,
    authFailed ? "- **Authentication failed**: pages redirected to /login." : "",
    "",
    "| page | path | requests | p50 | p95 | p99 | errors | non-2xx | target p95 | |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...table,
  ]
    .filter((l, i, a) => l !== "" || a[i - 1] !== "")
    .join("\n");
  if (!values["no-report"]) writeSection("dashboard", md);
  // A page with a target that could not be measured fails too: the benchmark proves nothing about it.
  const failed = authFailed || rows.some((r) => r.page.targetP95 !== undefined && status(r) !== "met");
  process.exitCode = failed ? 1 : 0;
}

// Run only as a command: bench/load.ts imports the harness above.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(`bench:dashboard failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
