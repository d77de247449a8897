/**
 * Fills a database for the dashboard benchmark (npm run bench:seed -- [--database posture_bench] [--repos 1000]
 * [--findings 500000] [--days 180]): teams, users, repositories, a daily scan history and findings whose
 * lifecycle (first seen, triage, fixed, reopened) and finding events agree with each other, so trends computed
 * from either give the same answer.
 *
 * Everything is generated inside PostgreSQL with set operations over generate_series; random choices come from
 * a hash of (row number, salt), so the same arguments always produce the same data (times are relative to now).
 * The database is dropped and recreated each run.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { z } from "zod";
import { syncCatalogue } from "../lib/catalogue.ts";
import { config } from "../lib/config.ts";
import { createDb } from "../lib/db/client.ts";
import { dropDatabase, ensureDatabase, migrate } from "../lib/db/migrate.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { unnestColumns } from "../lib/scan/persist.ts";
import { generatePassword, hashPassword } from "../lib/auth/passwords.ts";

export const BENCH_PG = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
export const BENCH_DATABASE = "posture_bench";
export const BENCH_ADMIN_EMAIL = "admin@posture-bench.example.com";

export function benchDatabaseUrl(name = BENCH_DATABASE): string {
  return `${BENCH_PG}/${name}`;
}

const options = z.object({
  database: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, "database names are lower-case letters, digits and _")
    .refine((n) => n.includes("bench"), "the database name must contain 'bench' (it is dropped and recreated)")
    .default(BENCH_DATABASE),
  repos: z.coerce.number().int().min(1).max(100_000).default(1000),
  findings: z.coerce.number().int().min(0).max(20_000_000).default(500_000),
  days: z.coerce.number().int().min(7).max(3650).default(180),
});
type Options = z.infer<typeof options>;

const TEAMS = [
  "ml-platform",
  "search-ranking",
  "recommendations",
  "fraud-detection",
  "vision",
  "speech",
  "nlp-core",
  "ads-quality",
  "forecasting",
  "risk-models",
  "personalisation",
  "trust-safety",
  "data-science",
  "mlops",
  "research-infra",
  "payments-ml",
  "growth-ml",
  "support-automation",
  "maps-ml",
  "health-ml",
];
const FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemi", "Lars", "Mona", "Nikhil", "Olga"];
const LAST = ["Okafor", "Schmidt", "Tanaka", "Silva", "Nguyen", "Kowalski", "Haddad", "Moreau", "Larsen", "Patel", "Rossi", "Ivanova"];
const USERS = 60;

/** Role by user number: a few admins, some security leads, mostly engineers, a tail of viewers (two disabled). */
function roleOf(u: number): "admin" | "security_lead" | "engineer" | "viewer" {
  return u <= 4 ? "admin" : u <= 12 ? "security_lead" : u <= 44 ? "engineer" : "viewer";
}

/** A multiplier coprime with n, to spread the heavy repositories over the id range (a permutation of 0..n-1). */
function coprimeStep(n: number): number {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let s = Math.max(2, Math.floor(n / 3) + 1);
  while (gcd(s, n) !== 1) s++;
  return s;
}

type Step = { label: string; ms: number; rows?: number };

export async function seed(
  opts: Options,
  log: (s: string) => void = console.log,
): Promise<{ url: string; steps: Step[]; password: string; generated: boolean }> {
  const url = benchDatabaseUrl(opts.database);
  const steps: Step[] = [];
  const t0 = performance.now();
  let mark = t0;
  const step = (label: string, rows?: number) => {
    const now = performance.now();
    steps.push({ label, ms: now - mark, rows });
    log(`  ${label}${rows !== undefined ? ` (${rows.toLocaleString("en")} rows)` : ""}: ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };

  await dropDatabase(url);
  await ensureDatabase(url);
  await migrate(url);
  const db = createDb(url, { max: 2 });
  const rulebook = loadRulebook(config().rulesDir);
  try {
    await syncCatalogue(db, rulebook);
  } finally {
    await db.$disconnect();
  }
  step("database, migrations, catalogue");

  const envPassword = process.env.POSTURE_BENCH_PASSWORD;
  const password = envPassword || generatePassword();
  const adminHash = await hashPassword(password);

  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const q = async (label: string, sql: string, params: unknown[] = []) => {
    const r = await c.query(sql, params);
    step(label, r.rowCount ?? undefined);
    return r;
  };
  try {
    await c.query("SET synchronous_commit = off");
    await c.query("SET maintenance_work_mem = '256MB'");
    await c.query("SET work_mem = '64MB'");
    // Uniform in [0, 1) from (n, salt): deterministic, independent per salt, and cheap enough for millions of rows.
    await c.query(`CREATE FUNCTION pg_temp.r(n bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT ((hashint8extended(n, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$`);
    // Exponential waiting time in days with the given mean (memoryless: how long until someone fixes or triages).
    await c.query(`CREATE FUNCTION pg_temp.wait(n bigint, salt bigint, mean float8) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT floor(-ln(1 - pg_temp.r(n, salt)) * mean)::int $$`);
    await c.query(`CREATE FUNCTION pg_temp.sha(a bigint, b bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT md5(a || ':' || b) || left(md5(b || ':' || a), 8) $$`);

    const {
      rows: [p],
    } = await c.query<{ base: Date; now: Date }>(
      // Day 0 starts days-1 days before today; the last day's 02:00 schedule has finished (now is at least 03:00 of it).
      "SELECT date_trunc('day', now() - interval '3 hours') - ($1::int - 1) * interval '1 day' AS base, now() AS now",
      [opts.days],
    );
    const { base, now } = p!;
    const D = opts.days;
    const R = opts.repos;

    const settings = await c.query<{ c: number; h: number; m: number; l: number }>(
      `INSERT INTO "Settings" (id, "updatedAt") VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET id = 1
       RETURNING "slaCriticalDays" c, "slaHighDays" h, "slaMediumDays" m, "slaLowDays" l`,
    );
    const sla = settings.rows[0]!;

    // Bulk load without secondary indexes and foreign keys, then put back exactly what the migrations made.
    const { rows: indexes } = await c.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes
        WHERE schemaname = 'public' AND tablename IN ('Finding', 'FindingEvent', 'Scan')
          AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))`,
    );
    const { rows: fks } = await c.query<{ tbl: string; name: string; def: string }>(
      `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE contype = 'f' AND conrelid::regclass::text IN ('"Finding"', '"FindingEvent"', '"Scan"')`,
    );
    await c.query("BEGIN");
    for (const f of fks) await c.query(`ALTER TABLE ${f.tbl} DROP CONSTRAINT "${f.name}"`);
    for (const i of indexes) await c.query(`DROP INDEX "${i.name}"`);
    await q(
      "teams",
      `INSERT INTO "Team" (id, name, "createdAt")
       SELECT 'bench_team_' || lpad(t::text, 2, '0'), name, $2::timestamptz - interval '30 days'
         FROM unnest($1::text[]) WITH ORDINALITY AS x(name, t)`,
      [TEAMS, base],
    );

    const users = Array.from({ length: USERS }, (_, i) => {
      const u = i + 1;
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[(i * 7) % LAST.length]!;
      return {
        id: `bench_user_${String(u).padStart(2, "0")}`,
        email: u === 1 ? BENCH_ADMIN_EMAIL : `${first}.${last}.${u}@posture-bench.example.com`.toLowerCase(),
        name: u === 1 ? "Bench Admin" : `${first} ${last}`,
        role: roleOf(u),
        hash: u === 1 ? adminHash : null,
        disabled: u >= USERS - 1,
      };
    });
    await q(
      "users",
      `INSERT INTO "User" (id, email, name, role, "passwordHash", "createdAt", "disabledAt")
       SELECT id, email, name, role::"Role", hash, $7::timestamptz - interval '30 days', CASE WHEN disabled THEN $7::timestamptz + interval '60 days' END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[]) AS x(id, email, name, role, hash, disabled)`,
      [...unnestColumns(users, ["id", "email", "name", "role", "hash", "disabled"]), base],
    );
    await q(
      "team members",
      `INSERT INTO "TeamMember" ("teamId", "userId")
       SELECT DISTINCT 'bench_team_' || lpad(t::text, 2, '0'), 'bench_user_' || lpad(u::text, 2, '0')
         FROM generate_series(1, ${USERS}) u,
              LATERAL (VALUES ((u - 1) % ${TEAMS.length} + 1), (CASE WHEN u % 3 = 0 THEN (u + 6) % ${TEAMS.length} + 1 END)) AS v(t)
        WHERE t IS NOT NULL`,
    );

    // Repositories: most onboarded in the first weeks of the history, a tail later; a few archived today.
    await q(
      "repository plan",
      `CREATE TEMP TABLE b_repo AS
       SELECT k, 'bench_repo_' || lpad(k::text, 4, '0') AS id,
              1 + floor(${TEAMS.length} * pg_temp.r(k, 1) ^ 1.5)::int AS team,
              reg_day,
              $1::timestamptz + reg_day * interval '1 day' + interval '9 hours' + pg_temp.r(k, 3) * interval '8 hours' AS reg_at,
              0.08 + 0.5 * pg_temp.r(k, 4) AS activity,
              (ARRAY['modal', 'bentoml', 'torchserve', 'ray_serve'])[1 + floor(4 * pg_temp.r(k, 5))::int] AS framework,
              pg_temp.r(k, 6) < 0.03 AS archived,
              200 + floor(1800 * pg_temp.r(k, 7))::int AS files
         FROM generate_series(1, $2::int) k,
              LATERAL (SELECT least($3::int - 2, floor(($3::int * 0.9) * pg_temp.r(k, 2) ^ 3)::int) AS reg_day) d`,
      [base, R, D],
    );
    await c.query("ALTER TABLE b_repo ADD PRIMARY KEY (k)");
    await q(
      "repositories",
      `INSERT INTO "Repository" (id, "teamId", name, url, "urlKey", branch, "createdAt", "archivedAt")
       SELECT r.id, 'bench_team_' || lpad(r.team::text, 2, '0'), 'repo-' || lpad(k::text, 4, '0'),
              'https://git.example.com/' || t.name || '/repo-' || lpad(k::text, 4, '0'),
              'https://git.example.com/' || t.name || '/repo-' || lpad(k::text, 4, '0'),
              CASE WHEN pg_temp.r(k, 8) < 0.1 THEN 'release' END, r.reg_at,
              CASE WHEN r.archived THEN $1::timestamptz + ($2::int - 1) * interval '1 day' + interval '2 hours 30 minutes' END
         FROM b_repo r JOIN "Team" t ON t.id = 'bench_team_' || lpad(r.team::text, 2, '0')`,
      [base, D],
    );

    // One scan a day per repository from its registration (the default 02:00 schedule), some manual; the status
    // here is provisional: a scan that detects or fixes something is made `succeeded` below.
    await q(
      "scan plan",
      `CREATE TEMP TABLE b_scan AS
       SELECT k, d, n, trigger, status, q AS queued_at, q + pg_temp.r(n, 34) * interval '60 seconds' AS started_at,
              q + pg_temp.r(n, 34) * interval '60 seconds' + interval '5 seconds' + pg_temp.r(n, 35) * interval '100 seconds' AS finished_at
         FROM (
           SELECT k, d, n, trigger, status,
                  CASE trigger WHEN 'registration' THEN reg_at
                               WHEN 'manual' THEN $2::timestamptz + d * interval '1 day' + interval '10 hours' + pg_temp.r(n, 36) * interval '8 hours'
                               ELSE $2::timestamptz + d * interval '1 day' + interval '2 hours' + (k % 1000) * interval '600 milliseconds' END AS q
             FROM (
               SELECT r.k, d, r.reg_at, (r.k::bigint * 100000 + d) AS n,
                      CASE WHEN d = r.reg_day THEN 'registration' WHEN d < $1::int - 1 AND pg_temp.r(r.k::bigint * 100000 + d, 31) < 0.04 THEN 'manual' ELSE 'schedule' END AS trigger,
                      CASE WHEN d = r.reg_day THEN 'succeeded'
                           WHEN pg_temp.r(r.k::bigint * 100000 + d, 32) < 0.015 THEN 'failed'
                           WHEN pg_temp.r(r.k::bigint * 100000 + d, 33) < r.activity THEN 'succeeded'
                           ELSE 'unchanged' END AS status
                 FROM b_repo r, generate_series(r.reg_day, $1::int - 1) d
             ) a
         ) b`,
      [D, base],
    );
    await c.query("ALTER TABLE b_scan ADD PRIMARY KEY (k, d)");
    // Findings appear and disappear on days the repository changed: for each day, the next day with a
    // successful scan (one array per repository, indexed by day - registration day + 1).
    await c.query(
      `ALTER TABLE b_repo ADD COLUMN next_ok int[];
       UPDATE b_repo r SET next_ok = a.days
         FROM (SELECT k, array_agg(next_ok ORDER BY d) AS days
                 FROM (SELECT k, d, min(CASE WHEN status = 'succeeded' THEN d END) OVER (PARTITION BY k ORDER BY d ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_ok
                         FROM b_scan) w
                GROUP BY k) a
        WHERE a.k = r.k`,
    );

    // Checks with weights: severities skewed (few critical), some checks far noisier than others; cumulative
    // ranges per framework so a uniform number picks a check.
    await q(
      "check weights",
      `CREATE TEMP TABLE b_check AS
       SELECT id, "policyId" AS policy, framework::text AS framework, severity::text AS severity, message,
              coalesce(lag(cum) OVER f / total, 0) AS lo, CASE WHEN lead(id) OVER f IS NULL THEN 1 ELSE cum / total END AS hi
         FROM (SELECT *, sum(w) OVER (PARTITION BY framework ORDER BY id) AS cum, sum(w) OVER (PARTITION BY framework) AS total FROM (SELECT c.id, c."policyId", p.framework, c.severity, c.message,
                      (CASE c.severity WHEN 'critical' THEN 0.5 WHEN 'high' THEN 3 WHEN 'medium' THEN 4 ELSE 5 END)
                        * (0.2 + 3 * pg_temp.r(hashtext(c.id), 41) ^ 2) AS w
                 FROM "Check" c JOIN "Policy" p ON p.id = c."policyId" WHERE c.active) x) y
       WINDOW f AS (PARTITION BY framework ORDER BY id)`,
    );

    const stepK = coprimeStep(R);
    const sev = (c: string, h: string, m: string, l: string) =>
      `CASE severity WHEN 'critical' THEN ${c} WHEN 'high' THEN ${h} WHEN 'medium' THEN ${m} ELSE ${l} END`;
    // The plan of each finding's life. Repository: a few large ones and a long tail (a power law, permuted over
    // the ids). Framework: mostly the repository's own. Then the days of first detection, fix (sooner for higher
    // severities; a fifth never fixed), reopening, second fix, triage (false positive / accepted risk, only on
    // findings still present), work started, assignment and comments. Days past the history are dropped.
    await q(
      "finding plan",
      `CREATE TEMP TABLE b_f AS
       WITH pick AS (
         SELECT n, 1 + ((floor($2::int * pg_temp.r(n, 10) ^ 1.8)::bigint * ${stepK}) % $2::int) AS k,
                pg_temp.r(n, 11) AS fw, pg_temp.r(n, 13) AS pick
           FROM generate_series(1, $3::bigint) n
       ), base AS (
         SELECT p.n, p.k, ch.id AS check_id, ch.policy, ch.framework, ch.severity, ch.message,
                CASE WHEN pg_temp.r(p.n, 14) < 0.3 THEN r.reg_day
                     ELSE coalesce(r.next_ok[1 + floor(($1::int - r.reg_day) * pg_temp.r(p.n, 15))::int],
                                   least($1::int - 1, r.reg_day + floor(($1::int - r.reg_day) * pg_temp.r(p.n, 15))::int)) END AS first_day,
                r.reg_day
           FROM pick p JOIN b_repo r ON r.k = p.k
           JOIN b_check ch ON ch.framework = CASE WHEN p.fw < 0.72 THEN r.framework WHEN p.fw < 0.80 THEN 'training_monitor'
                                                  ELSE (ARRAY['modal', 'bentoml', 'torchserve', 'ray_serve'])[1 + floor(20 * (p.fw - 0.8))::int] END
                          AND p.pick >= ch.lo AND p.pick < ch.hi
       ), fix AS (
         SELECT b.*, CASE WHEN pg_temp.r(n, 17) >= 0.2 THEN r.next_ok[first_day - b.reg_day + 2 + pg_temp.wait(n, 16, ${sev("10", "30", "80", "150")})] END AS fix_day
           FROM base b JOIN b_repo r ON r.k = b.k
       ), reopen AS (
         SELECT f.*, CASE WHEN f.fix_day IS NOT NULL AND pg_temp.r(n, 18) < 0.06 THEN r.next_ok[f.fix_day - f.reg_day + 2 + pg_temp.wait(n, 19, 20)] END AS reopen_day
           FROM fix f JOIN b_repo r ON r.k = f.k
       ), refix AS (
         SELECT o.*, CASE WHEN o.reopen_day IS NOT NULL AND pg_temp.r(n, 20) < 0.4 THEN r.next_ok[o.reopen_day - o.reg_day + 2 + pg_temp.wait(n, 21, 15)] END AS refix_day
           FROM reopen o JOIN b_repo r ON r.k = o.k
       ), triage AS (
         SELECT *,
                   CASE WHEN fix_day IS NULL AND pg_temp.r(n, 22) < 0.10 AND first_day + 1 + pg_temp.wait(n, 23, 10) <= $1::int - 2
                        THEN first_day + 1 + pg_temp.wait(n, 23, 10) END AS tri_day,
                   first_day + 1 + pg_temp.wait(n, 25, 6) AS ip_day_,
                   first_day + 1 + pg_temp.wait(n, 27, 5) AS assign_day_,
                   first_day + 1 + pg_temp.wait(n, 29, 8) AS comment_day_
           FROM refix
       ), work AS (
         SELECT *, CASE WHEN tri_day IS NOT NULL THEN CASE WHEN pg_temp.r(n, 22) < 0.06 THEN 'false_positive' ELSE 'accepted_risk' END END AS tri,
                   CASE WHEN tri_day IS NULL AND pg_temp.r(n, 24) < 0.12 AND ip_day_ <= $1::int - 2 AND (fix_day IS NULL OR ip_day_ < fix_day) THEN ip_day_ END AS ip_day
           FROM triage
       )
       SELECT n, k, check_id, policy, framework, severity, message, first_day, fix_day, reopen_day, refix_day, tri, tri_day, ip_day,
              CASE WHEN ip_day IS NOT NULL AND pg_temp.r(n, 26) < 0.85 THEN ip_day
                   WHEN ip_day IS NULL AND pg_temp.r(n, 26) < 0.25 AND assign_day_ <= $1::int - 2 AND (fix_day IS NULL OR assign_day_ < fix_day) THEN assign_day_ END AS assign_day,
              CASE WHEN pg_temp.r(n, 28) < 0.03 AND comment_day_ <= $1::int - 2 AND (fix_day IS NULL OR comment_day_ < fix_day) THEN comment_day_ END AS comment_day,
              coalesce(refix_day, CASE WHEN reopen_day IS NULL THEN fix_day END) AS final_fix_day
         FROM work`,
      [D, R, opts.findings],
    );

    // Times of the people's actions (office hours, always before now) and the final state of each finding.
    await q(
      "finding times",
      `CREATE TEMP TABLE b_ft AS
       SELECT f.*,
              'bench_user_' || lpad((5 + floor(40 * pg_temp.r(n, 30) ^ 1.3))::int::text, 2, '0') AS assignee,
              'bench_user_' || lpad((2 + floor(11 * pg_temp.r(n, 31)))::int::text, 2, '0') AS lead,
              t.tri_at, t.ip_at, t.comment_at,
              CASE WHEN f.assign_day = f.ip_day THEN t.ip_at - interval '10 minutes'
                   ELSE $1::timestamptz + f.assign_day * interval '1 day' + interval '9 hours' + pg_temp.r(n, 40) * interval '9 hours' END AS assign_at,
              CASE WHEN f.tri = 'accepted_risk' THEN t.tri_at + (ARRAY[30, 60, 90, 180])[1 + floor(4 * pg_temp.r(n, 37))::int] * interval '1 day' END AS accepted_until
         FROM b_f f,
              LATERAL (SELECT $1::timestamptz + f.tri_day * interval '1 day' + interval '9 hours' + pg_temp.r(n, 38) * interval '9 hours' AS tri_at,
                              $1::timestamptz + f.ip_day * interval '1 day' + interval '9 hours' + pg_temp.r(n, 39) * interval '9 hours' AS ip_at,
                              $1::timestamptz + f.comment_day * interval '1 day' + interval '9 hours' + pg_temp.r(n, 42) * interval '9 hours' AS comment_at) t`,
      [base],
    );
    await c.query("ALTER TABLE b_ft ADD COLUMN expired_at timestamptz, ADD COLUMN status text");
    // Accepted risks past their expiry were put back to open by the worker's housekeeping (risk_expired).
    await c.query(
      `UPDATE b_ft SET expired_at = accepted_until + least(pg_temp.r(n, 43) * interval '30 minutes', $1::timestamptz - accepted_until) WHERE accepted_until <= $1::timestamptz`,
      [now],
    );
    await c.query(
      `UPDATE b_ft SET status = CASE WHEN refix_day IS NOT NULL THEN 'fixed' WHEN reopen_day IS NOT NULL THEN 'reopened' WHEN fix_day IS NOT NULL THEN 'fixed'
                                     WHEN tri = 'false_positive' THEN 'false_positive' WHEN tri = 'accepted_risk' AND expired_at IS NULL THEN 'accepted_risk'
                                     WHEN ip_day IS NOT NULL THEN 'in_progress' ELSE 'open' END`,
    );
    step("finding states");

    // Scans: a scan that detected, fixed or reopened something succeeded; counts and the findings present
    // (new - fixed + reopened, accumulated) as the pipeline would have written them.
    await q(
      "scan results",
      `CREATE TEMP TABLE b_s AS
       SELECT s.*, coalesce(a.new, 0) AS n_new, coalesce(a.fixed, 0) AS n_fixed, coalesce(a.reopened, 0) AS n_reopened,
              CASE WHEN a.k IS NOT NULL THEN 'succeeded' ELSE s.status END AS final_status
         FROM b_scan s
         LEFT JOIN (SELECT k, d, sum(nw)::int AS new, sum(fx)::int AS fixed, sum(ro)::int AS reopened
                      FROM (SELECT k, first_day AS d, 1 AS nw, 0 AS fx, 0 AS ro FROM b_f
                            UNION ALL SELECT k, fix_day, 0, 1, 0 FROM b_f WHERE fix_day IS NOT NULL
                            UNION ALL SELECT k, reopen_day, 0, 0, 1 FROM b_f WHERE reopen_day IS NOT NULL
                            UNION ALL SELECT k, refix_day, 0, 1, 0 FROM b_f WHERE refix_day IS NOT NULL) u
                     GROUP BY k, d) a ON a.k = s.k AND a.d = s.d`,
    );
    await q(
      "scan history",
      `CREATE TEMP TABLE b_s2 AS
       SELECT *, sum(CASE WHEN final_status = 'succeeded' THEN n_new - n_fixed + n_reopened ELSE 0 END) OVER w AS present_,
              max(CASE WHEN final_status = 'succeeded' THEN d END) OVER w AS head_day,
              max(CASE WHEN final_status = 'succeeded' THEN d END) OVER (PARTITION BY k ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ok
         FROM b_s WINDOW w AS (PARTITION BY k ORDER BY d ROWS UNBOUNDED PRECEDING)`,
    );
    await c.query("ALTER TABLE b_s2 ADD PRIMARY KEY (k, d); ANALYZE b_s2; ANALYZE b_ft; ANALYZE b_repo");
    await c.query(`CREATE TEMP TABLE b_last AS SELECT k, max(d) FILTER (WHERE final_status = 'succeeded') AS last_ok FROM b_s2 GROUP BY k`);

    await q(
      "Scan rows",
      `INSERT INTO "Scan" (id, "repositoryId", status, trigger, "commitSha", "rulebookVersion", "filesTotal", "filesDone",
                           "findingsNew", "findingsFixed", "findingsReopened", "findingsPresent", stats, errors, "failureReason", "failureCode",
                           "queuedAt", "startedAt", "finishedAt")
       SELECT 'bench_scan_' || s.n, r.id, s.final_status::"ScanStatus", s.trigger::"ScanTrigger",
              CASE s.final_status WHEN 'succeeded' THEN pg_temp.sha(s.k, s.d) WHEN 'unchanged' THEN pg_temp.sha(s.k, s.head_day) END,
              CASE WHEN s.final_status <> 'failed' THEN $1 END,
              CASE WHEN s.final_status = 'succeeded' THEN r.files + s.d / 4 ELSE 0 END,
              CASE WHEN s.final_status = 'succeeded' THEN r.files + s.d / 4 ELSE 0 END,
              CASE WHEN s.final_status = 'succeeded' THEN s.n_new ELSE 0 END,
              CASE WHEN s.final_status = 'succeeded' THEN s.n_fixed ELSE 0 END,
              CASE WHEN s.final_status = 'succeeded' THEN s.n_reopened ELSE 0 END,
              CASE WHEN s.final_status = 'succeeded' THEN s.present_ ELSE 0 END,
              CASE WHEN s.final_status = 'succeeded' THEN jsonb_build_object('files', r.files + s.d / 4, 'bytes', (r.files + s.d / 4) * 5300,
                   'skipped', jsonb_build_object('binary', r.files / 50), 'suppressed', r.k % 4, 'durationMs', 400 + r.files * 2, 'rules', $2::int) END,
              CASE WHEN s.final_status = 'succeeded' THEN '[]'::jsonb END,
              CASE WHEN s.final_status = 'failed' THEN (ARRAY['network error talking to the git server: Could not resolve host: git.example.com',
                   'git did not finish within 60 s', 'the repository needs credentials the worker does not have (private repository or wrong URL)'])[1 + s.n % 3] END,
              CASE WHEN s.final_status = 'failed' THEN (ARRAY['network', 'timeout', 'auth_required'])[1 + s.n % 3] END,
              s.queued_at, s.started_at, s.finished_at
         FROM b_s2 s JOIN b_repo r ON r.k = s.k`,
      [rulebook.version, rulebook.checks.length],
    );

    const hasContext =
      (await c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'Finding' AND column_name = 'context'`)).rowCount === 1;
    await q(
      "Finding rows",
      `INSERT INTO "Finding" (id, "repositoryId", fingerprint, "checkId", "policyId", framework, severity, status, "triageDecision", "statusReason",
                              "acceptedUntil", "assigneeId", path, line, "column", "endLine", "endColumn", message, snippet, ${hasContext ? "context," : ""}
                              "commitSha", "firstSeenAt", "firstScanId", "lastSeenAt", "lastScanId", "fixedAt", "fixedScanId", "dueAt", "updatedAt")
       SELECT 'bench_finding_' || f.n, r.id, left(md5('bench:' || f.n), 32), f.check_id, f.policy, f.framework::"Framework", f.severity::"Severity",
              f.status::"FindingStatus",
              CASE WHEN f.status IN ('false_positive', 'accepted_risk') THEN f.status::"FindingStatus" END,
              CASE f.tri WHEN 'false_positive' THEN 'Test fixture, never deployed' WHEN 'accepted_risk' THEN 'Internal-only endpoint behind the VPN; fix planned with the platform migration' END,
              f.accepted_until,
              CASE WHEN f.assign_day IS NOT NULL THEN f.assignee END,
              x.path, x.line, x.col, x.line + (f.n % 3)::int, x.col + 24, f.message, x.snippet,
              ${hasContext ? `jsonb_build_object('start', greatest(1, x.line - 3), 'lines', jsonb_build_array('import os', 'from pathlib import Path', '', 'def load(config):', '    ' || x.snippet, '    return model', '')),` : ""}
              pg_temp.sha(f.k, seen.d), first.finished_at, 'bench_scan_' || first.n, seen.finished_at, 'bench_scan_' || seen.n,
              fixed.finished_at, 'bench_scan_' || fixed.n,
              first.finished_at + ${sev(`${sla.c}`, `${sla.h}`, `${sla.m}`, `${sla.l}`).replace("severity", "f.severity")} * interval '1 day',
              greatest(first.finished_at, fixed.finished_at, reopen.finished_at, f.tri_at, f.ip_at, f.assign_at, f.expired_at, f.comment_at)
         FROM b_ft f
         JOIN b_repo r ON r.k = f.k
         JOIN b_s2 first ON first.k = f.k AND first.d = f.first_day
         LEFT JOIN b_s2 fixed ON fixed.k = f.k AND fixed.d = f.final_fix_day
         LEFT JOIN b_s2 reopen ON reopen.k = f.k AND reopen.d = f.reopen_day
         LEFT JOIN b_last l ON f.final_fix_day IS NULL AND l.k = f.k
         JOIN b_s2 seen ON seen.k = f.k AND seen.d = coalesce(fixed.prev_ok, l.last_ok),
         LATERAL (SELECT (CASE WHEN pg_temp.r(f.n, 50) < 0.5 THEN '' ELSE 'services/svc-' || (f.n % 17) || '/' END) ||
                         (CASE f.framework
                            WHEN 'modal' THEN (ARRAY['app.py', 'modal_app.py', 'inference.py', 'jobs/batch.py', 'Dockerfile'])
                            WHEN 'bentoml' THEN (ARRAY['service.py', 'bentofile.yaml', 'runners/model_runner.py', 'deploy/values.yaml', 'Dockerfile'])
                            WHEN 'torchserve' THEN (ARRAY['handler.py', 'config.properties', 'model_handler.py', 'k8s/deployment.yaml', 'Dockerfile'])
                            WHEN 'ray_serve' THEN (ARRAY['serve_app.py', 'serve_config.yaml', 'deployments/ingress.py', 'k8s/rayservice.yaml', 'composition.py'])
                            ELSE (ARRAY['train.py', 'scripts/run_training.sh', '.env', 'monitoring/callbacks.py', 'configs/wandb.yaml']) END)[1 + floor(5 * pg_temp.r(f.n, 51))::int] AS path,
                         1 + floor(400 * pg_temp.r(f.n, 52) ^ 2)::int AS line, 1 + floor(12 * pg_temp.r(f.n, 53))::int AS col,
                         (ARRAY['model = AutoModel.from_pretrained(name, trust_remote_code=True)', 'subprocess.run(cmd, shell=True)',
                                'data = pickle.loads(request.body)', 'API_KEY = "sk-********************"', 'allowed_origins: ["*"]',
                                'inference_address=http://0.0.0.0:8080', 'torch.load(path)', 'os.system(f"tar xf {archive}")'])[1 + floor(8 * pg_temp.r(f.n, 54))::int] AS snippet) x`,
    );

    // Events, consistent with the plan: detected, work started, assigned, triaged, risk expired, fixed,
    // reopened, fixed again, commented.
    // Newer schemas copy the finding's severity, repository and check onto each event (for trends from events
    // alone); fill them when the columns exist.
    const { rows: eventCols } = await c.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'FindingEvent' AND column_name IN ('severity', 'repositoryId', 'checkId')`,
    );
    const denorm: Record<string, string> = { severity: `f.severity::"Severity"`, repositoryId: "r.id", checkId: "f.check_id" };
    const extraCols = eventCols.map((x) => x.column_name).sort();
    await q(
      `FindingEvent rows${extraCols.length ? ` (with ${extraCols.join(", ")})` : ""}`,
      `INSERT INTO "FindingEvent" (id, "findingId", type, "actorId", "scanId", "fromStatus", "toStatus", comment, data, "createdAt"${extraCols.map((x) => `, "${x}"`).join("")})
       SELECT 'bench_event_' || f.n || '_' || e.kind, 'bench_finding_' || f.n, e.type::"FindingEventType", e.actor, e.scan,
              e.from_s::"FindingStatus", e.to_s::"FindingStatus", e.comment, e.data, e.at${extraCols.map((x) => `, ${denorm[x]}`).join("")}
         FROM b_ft f
         JOIN b_repo r ON r.k = f.k
         JOIN b_s2 first ON first.k = f.k AND first.d = f.first_day
         LEFT JOIN b_s2 fx ON fx.k = f.k AND fx.d = f.fix_day
         LEFT JOIN b_s2 ro ON ro.k = f.k AND ro.d = f.reopen_day
         LEFT JOIN b_s2 rf ON rf.k = f.k AND rf.d = f.refix_day,
         LATERAL (VALUES
           ('d', 'detected', NULL, 'bench_scan_' || first.n, NULL, 'open', NULL, NULL::jsonb, first.finished_at),
           ('w', 'status_changed', coalesce(CASE WHEN f.assign_day IS NOT NULL THEN f.assignee END, f.lead), NULL, 'open', 'in_progress', NULL, NULL, f.ip_at),
           ('a', 'assigned', f.lead, NULL, NULL, NULL, NULL, jsonb_build_object('from', NULL, 'to', f.assignee), f.assign_at),
           ('t', 'status_changed', f.lead, NULL, 'open', f.tri,
                 CASE f.tri WHEN 'false_positive' THEN 'Test fixture, never deployed' ELSE 'Internal-only endpoint behind the VPN; fix planned with the platform migration' END,
                 jsonb_build_object('decision', f.tri, 'acceptedUntil', f.accepted_until), f.tri_at),
           ('x', 'risk_expired', NULL, NULL, 'accepted_risk', 'open', NULL, NULL, f.expired_at),
           ('f', 'fixed', NULL, 'bench_scan_' || fx.n, CASE WHEN f.ip_day IS NOT NULL THEN 'in_progress' ELSE 'open' END, 'fixed', NULL, NULL, fx.finished_at),
           ('r', 'reopened', NULL, 'bench_scan_' || ro.n, 'fixed', 'reopened', NULL, NULL, ro.finished_at),
           ('g', 'fixed', NULL, 'bench_scan_' || rf.n, 'reopened', 'fixed', NULL, NULL, rf.finished_at),
           ('c', 'commented', f.assignee, NULL, NULL, NULL, 'Looked at this with the service owner; see the linked ticket.', NULL, f.comment_at)
         ) AS e(kind, type, actor, scan, from_s, to_s, comment, data, at)
        WHERE e.at IS NOT NULL AND (e.kind <> 't' OR f.tri IS NOT NULL)`,
    );

    for (const i of indexes) await c.query(i.def);
    step(`${indexes.length} indexes rebuilt`);
    for (const f of fks) await c.query(`ALTER TABLE ${f.tbl} ADD CONSTRAINT "${f.name}" ${f.def}`);
    step(`${fks.length} foreign keys checked`);
    await c.query("COMMIT");
    // VACUUM as well as ANALYZE: a settled production table has its visibility map set, which index-only scans need.
    // The rollups were kept by their triggers during the load (prisma/migrations/20261204000000_rollups).
    await c.query(
      'VACUUM (ANALYZE) "Finding", "FindingEvent", "Scan", "Repository", "User", "Team", "TeamMember", "Check", "Policy", "FindingDayRollup", "FindingDayOrgRollup", "FindingStatusRollup", "FindingDueRollup"',
    );
    step("vacuum analyze");

    const { rows: counts } = await c.query<{ what: string; n: string }>(
      `SELECT 'repositories' AS what, count(*)::text AS n FROM "Repository" UNION ALL SELECT 'scans', count(*)::text FROM "Scan"
       UNION ALL SELECT 'findings', count(*)::text FROM "Finding" UNION ALL SELECT 'finding events', count(*)::text FROM "FindingEvent"
       UNION ALL SELECT 'users', count(*)::text FROM "User" UNION ALL SELECT 'teams', count(*)::text FROM "Team"`,
    );
    log(`  rows: ${counts.map((r) => `${r.what} ${Number(r.n).toLocaleString("en")}`).join(", ")}`);
    const dist = async (col: string) => {
      const { rows } = await c.query<{ k: string; n: string }>(
        `SELECT ${col}::text AS k, count(*)::text AS n FROM "Finding" GROUP BY 1 ORDER BY 2::bigint DESC`,
      );
      return rows.map((r) => `${r.k} ${Number(r.n).toLocaleString("en")}`).join(", ");
    };
    log(`  findings by severity: ${await dist("severity")}`);
    log(`  findings by status: ${await dist("status")}`);
    log(`  findings by framework: ${await dist("framework")}`);
    await c.query("DISCARD TEMP");
    const {
      rows: [sz],
    } = await c.query<{ db: string; finding: string; events: string }>(
      `SELECT pg_size_pretty(pg_database_size(current_database())) AS db, pg_size_pretty(pg_total_relation_size('"Finding"')) AS finding,
              pg_size_pretty(pg_total_relation_size('"FindingEvent"')) AS events`,
    );
    log(`  size: database ${sz!.db} (Finding ${sz!.finding} with indexes, FindingEvent ${sz!.events})`);
  } finally {
    await c.end();
  }
  return { url, steps, password, generated: !envPassword };
}

async function main() {
  const { values } = parseArgs({
    options: { database: { type: "string" }, repos: { type: "string" }, findings: { type: "string" }, days: { type: "string" } },
    strict: true,
  });
  const parsed = options.safeParse(values);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    console.error(`bench:seed: --${i.path.join(".")}: ${i.message}`);
    process.exit(2);
  }
  const t = performance.now();
  const { url, password, generated } = await seed(parsed.data);
  console.log(`seeded ${url} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  console.log(`admin: ${BENCH_ADMIN_EMAIL} password: ${generated ? password : "(from POSTURE_BENCH_PASSWORD)"}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(`bench:seed failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
