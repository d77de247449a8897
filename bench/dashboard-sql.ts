/**
 * SQL-level check of the dashboard's aggregates on the seeded database (node --import tsx bench/dashboard-sql.ts
 * [--database posture_bench] [--plans] [--closed-at]): each query runs under EXPLAIN ANALYZE (median of 3 after one warm-up),
 * printing its time and how it reads the big tables. Experiments with schema changes (a denormalised closedAt,
 * extra indexes, a roll-up) run inside a transaction that is rolled back, so the database is left as seeded.
 * --closed-at also tries a Finding.closedAt column: its back-fill rewrites every finding (minutes on 2 cores), so
 * the table is rebuilt (VACUUM FULL) afterwards to undo the bloat the rolled-back UPDATE leaves.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { median } from "./report.ts";
import { BENCH_DATABASE, benchDatabaseUrl } from "./dashboard-seed.ts";

function usage(message: string): never {
  console.error(`bench dashboard-sql: ${message}`);
  process.exit(2);
}
let values: { database?: string; plans?: boolean; "closed-at"?: boolean };
try {
  ({ values } = parseArgs({
    options: { database: { type: "string" }, plans: { type: "boolean" }, "closed-at": { type: "boolean" } },
    strict: true,
  }));
} catch (e) {
  usage((e as Error).message);
}
const parsedDatabase = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "--database: lower-case letters, digits and _")
  .default(BENCH_DATABASE)
  .safeParse(values.database);
if (!parsedDatabase.success) usage(parsedDatabase.error.issues[0]!.message);
const database = parsedDatabase.data;

const OPEN = `f.status IN ('open', 'in_progress', 'reopened')`;
const ENABLED = `JOIN "Check" c ON c.id = f."checkId" AND c.enabled`;
// The trend covers the last 90 days, ending today (UTC); a day counts what is open at its end.
const DAYS = `SELECT generate_series(date_trunc('day', now()) - interval '89 days', date_trunc('day', now()), interval '1 day') AS day`;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  Plans?: PlanNode[];
}

function scans(node: PlanNode, out: string[] = []): string[] {
  if (node["Relation Name"])
    out.push(
      `${node["Node Type"]} ${node["Relation Name"]}${node["Index Name"] ? ` (${node["Index Name"]})` : ""} rows=${node["Actual Rows"]}`,
    );
  for (const p of node.Plans ?? []) scans(p, out);
  return out;
}

async function measure(c: pg.Client, label: string, sql: string, params: unknown[] = []): Promise<number> {
  const times: number[] = [];
  let plan: PlanNode | undefined;
  for (let i = 0; i < 4; i++) {
    let rows: { "QUERY PLAN": [{ Plan: PlanNode; "Execution Time": number }] }[];
    try {
      await c.query("SAVEPOINT m");
      ({ rows } = await c.query<{ "QUERY PLAN": [{ Plan: PlanNode; "Execution Time": number }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
        params,
      ));
      await c.query("RELEASE SAVEPOINT m");
    } catch (e) {
      if ((e as { code?: string }).code !== "57014") throw e;
      await c.query("ROLLBACK TO SAVEPOINT m");
      console.log(`${label}: > ${TIMEOUT_S} s (cancelled by statement_timeout)`);
      return Infinity;
    }
    const [out] = rows[0]!["QUERY PLAN"];
    if (i > 0) times.push(out["Execution Time"]);
    plan = out.Plan;
    // A query this slow is disqualified anyway; one run says so.
    if (i === 0 && out["Execution Time"] > 5000) {
      times.push(out["Execution Time"]);
      break;
    }
  }
  const ms = median(times);
  console.log(`${label}: ${ms.toFixed(1)} ms (runs ${times.map((t) => t.toFixed(0)).join(", ")})`);
  console.log(`    ${[...new Set(scans(plan!))].join("; ")}`);
  if (values.plans) {
    const { rows } = await c.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    console.log(rows.map((r) => `      ${r["QUERY PLAN"]}`).join("\n"));
  }
  return ms;
}

async function hasColumn(c: pg.Client, table: string, column: string): Promise<boolean> {
  return (
    (await c.query("SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2", [table, column])).rowCount === 1
  );
}

const TIMEOUT_S = 60;

async function main() {
  const c = new pg.Client({ connectionString: benchDatabaseUrl(database) });
  await c.connect();
  try {
    await c.query(`SET statement_timeout = '${TIMEOUT_S}s'`);
    // Savepoints (used to survive a timeout) need a transaction; everything here is rolled back at the end.
    await c.query("BEGIN");
    const {
      rows: [ids],
    } = await c.query<{ repo: string; policy: string; assignee: string }>(
      `SELECT (SELECT "repositoryId" FROM "Finding" f WHERE ${OPEN} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) AS repo,
              (SELECT "policyId" FROM "Finding" f WHERE ${OPEN} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) AS policy,
              (SELECT "assigneeId" FROM "Finding" f WHERE ${OPEN} AND "assigneeId" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) AS assignee`,
    );
    if (!ids?.repo) throw new Error(`${database} has no findings: run npm run bench:seed first`);
    const {
      rows: [size],
    } = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Finding"`);
    console.log(
      `database ${database}: ${Number(size!.n).toLocaleString("en")} findings; busiest repository ${ids.repo}, policy ${ids.policy}, assignee ${ids.assignee}\n`,
    );

    console.log("(a) open findings by severity");
    await measure(c, "a  open by severity", `SELECT f.severity, count(*) FROM "Finding" f ${ENABLED} WHERE ${OPEN} GROUP BY 1`);

    console.log("\n(c) heatmap: open findings per policy x repository");
    await measure(
      c,
      "c  heatmap policy x repository",
      `SELECT f."policyId", f."repositoryId", count(*) FROM "Finding" f ${ENABLED} WHERE ${OPEN} GROUP BY 1, 2`,
    );
    await measure(
      c,
      "c' heatmap policy x team",
      `SELECT f."policyId", r."teamId", count(*) FROM "Finding" f ${ENABLED} JOIN "Repository" r ON r.id = f."repositoryId" AND r."archivedAt" IS NULL WHERE ${OPEN} GROUP BY 1, 2`,
    );

    console.log("\n(d) findings page: one filter + sort + LIMIT 50 (and the total count a pager shows)");
    const page = (where: string, order: string) =>
      `SELECT f.*, r.name AS repository_name, u.name AS assignee_name FROM "Finding" f ${ENABLED}
         JOIN "Repository" r ON r.id = f."repositoryId" LEFT JOIN "User" u ON u.id = f."assigneeId"
        WHERE ${where} ORDER BY ${order}, f.id DESC LIMIT 50`;
    const count = (where: string) => `SELECT count(*) FROM "Finding" f ${ENABLED} WHERE ${where}`;
    const pages: [string, string, string, unknown[]][] = [
      ["severity=critical, -dueAt", `f.severity = 'critical'`, `f."dueAt" DESC`, []],
      ["status=open, -firstSeenAt", `f.status = 'open'`, `f."firstSeenAt" DESC`, []],
      ["repository=<busiest>, -firstSeenAt", `f."repositoryId" = $1`, `f."firstSeenAt" DESC`, [ids.repo]],
      ["policy=<busiest>, dueAt", `f."policyId" = $1`, `f."dueAt" ASC`, [ids.policy]],
      ["framework=bentoml, -firstSeenAt", `f.framework = 'bentoml'`, `f."firstSeenAt" DESC`, []],
      ["assignee=<busiest>, dueAt", `f."assigneeId" = $1`, `f."dueAt" ASC`, [ids.assignee]],
      ["(no filter), -firstSeenAt", `true`, `f."firstSeenAt" DESC`, []],
    ];
    for (const [label, where, order, params] of pages) {
      await measure(c, `d  ${label}`, page(where, order), params);
      await measure(c, `d# ${label} count`, count(where), params);
    }

    console.log("\n(b) daily open findings by severity, last 90 days, from the finding lifecycle");
    // Without a stored close time: a finding closes at fixedAt, or when it was marked false positive / accepted
    // risk (its last status change to its current status).
    const closedFromEvents = `CASE WHEN f.status = 'fixed' THEN f."fixedAt"
            WHEN f.status IN ('false_positive', 'accepted_risk') THEN (SELECT max(e."createdAt") FROM "FindingEvent" e
              WHERE e."findingId" = f.id AND e.type = 'status_changed' AND e."toStatus" = f.status) END`;
    await measure(
      c,
      "b1 range join, close time from events",
      `WITH f AS (SELECT f.severity, f."firstSeenAt", ${closedFromEvents} AS closed_at FROM "Finding" f ${ENABLED})
       SELECT d.day, f.severity, count(f.severity) FROM (${DAYS}) d
         LEFT JOIN f ON f."firstSeenAt" < d.day + interval '1 day' AND (f.closed_at IS NULL OR f.closed_at >= d.day + interval '1 day')
        GROUP BY 1, 2`,
    );
    // Running sums: open at the end of day D = opened up to D - closed up to D; one pass over the findings.
    const running = (source: string) =>
      `WITH bounds AS (SELECT date_trunc('day', now()) - interval '89 days' AS first),
            deltas AS (
              SELECT greatest(date_trunc('day', f."firstSeenAt"), (SELECT first FROM bounds)) AS day, f.severity, 1 AS delta FROM ${source}
              UNION ALL
              SELECT greatest(date_trunc('day', f.closed_at), (SELECT first FROM bounds)), f.severity, -1 FROM ${source} AND f.closed_at IS NOT NULL),
            daily AS (SELECT day, severity, sum(delta) AS delta FROM deltas GROUP BY 1, 2)
       SELECT d.day, s.severity, sum(coalesce(x.delta, 0)) OVER (PARTITION BY s.severity ORDER BY d.day) AS open
         FROM (${DAYS}) d CROSS JOIN unnest(enum_range(NULL::"Severity")) AS s(severity)
         LEFT JOIN daily x ON x.day = d.day AND x.severity = s.severity`;
    await measure(
      c,
      "b2 running sums, close time from events",
      running(`(SELECT f.severity, f."firstSeenAt", ${closedFromEvents} AS closed_at FROM "Finding" f ${ENABLED}) f WHERE true`),
    );
    if (await hasColumn(c, "FindingEvent", "severity")) {
      // Events alone (the denormalised severity/checkId on FindingEvent): +1 when a finding becomes open, -1 when
      // it closes; what was open before the window comes from the same sum.
      await measure(
        c,
        "b3 running sums over FindingEvent (severity on events)",
        `WITH first AS (SELECT date_trunc('day', now()) - interval '89 days' AS first),
              deltas AS (
                SELECT greatest(date_trunc('day', e."createdAt"), (SELECT first FROM first)) AS day, e.severity,
                       sum(CASE WHEN e."toStatus" IN ('open', 'in_progress', 'reopened') AND (e."fromStatus" IS NULL OR e."fromStatus" NOT IN ('open', 'in_progress', 'reopened')) THEN 1
                                WHEN e."fromStatus" IN ('open', 'in_progress', 'reopened') AND e."toStatus" NOT IN ('open', 'in_progress', 'reopened') THEN -1 ELSE 0 END) AS delta
                  FROM "FindingEvent" e JOIN "Check" c ON c.id = e."checkId" AND c.enabled
                 WHERE e.type IN ('detected', 'fixed', 'reopened', 'status_changed', 'risk_expired')
                 GROUP BY 1, 2)
         SELECT d.day, s.severity, sum(coalesce(x.delta, 0)) OVER (PARTITION BY s.severity ORDER BY d.day) AS open
           FROM (${DAYS}) d CROSS JOIN unnest(enum_range(NULL::"Severity")) AS s(severity)
           LEFT JOIN deltas x ON x.day = d.day AND x.severity = s.severity`,
      );
    }

    console.log("\n-- experiments in the same rolled-back transaction --");
    // Building indexes and back-filling take longer than one query may.
    await c.query("SET statement_timeout = 0");
    try {
      // 1. Indexes that match each filter + sort exactly (the id tiebreak included, so the page is one index range
      //    read backwards or forwards), and a partial covering index for the heatmap. Built before any UPDATE so
      //    the visibility map from the seed's VACUUM still allows index-only scans.
      let t = performance.now();
      const extra = [
        `CREATE INDEX "Finding_severity_dueAt_id_idx" ON "Finding" (severity, "dueAt", id)`,
        `CREATE INDEX "Finding_status_firstSeenAt_id_idx" ON "Finding" (status, "firstSeenAt", id)`,
        `CREATE INDEX "Finding_repositoryId_firstSeenAt_id_idx" ON "Finding" ("repositoryId", "firstSeenAt", id)`,
        `CREATE INDEX "Finding_policyId_dueAt_id_idx" ON "Finding" ("policyId", "dueAt", id)`,
        `CREATE INDEX "Finding_framework_firstSeenAt_id_idx" ON "Finding" (framework, "firstSeenAt", id)`,
        `CREATE INDEX "Finding_assigneeId_dueAt_id_idx" ON "Finding" ("assigneeId", "dueAt", id)`,
        `CREATE INDEX "Finding_open_policyId_repositoryId_checkId_idx" ON "Finding" ("policyId", "repositoryId", "checkId", severity) WHERE status IN ('open', 'in_progress', 'reopened')`,
      ];
      for (const sql of extra) await c.query(sql);
      await c.query(`ANALYZE "Finding"`);
      await c.query(`SET statement_timeout = '${TIMEOUT_S}s'`);
      console.log(`${extra.length} indexes built in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      await measure(
        c,
        "a  open by severity, partial index",
        `SELECT f.severity, count(*) FROM "Finding" f ${ENABLED} WHERE ${OPEN} GROUP BY 1`,
      );
      await measure(
        c,
        "c  heatmap, partial index",
        `SELECT f."policyId", f."repositoryId", count(*) FROM "Finding" f ${ENABLED} WHERE ${OPEN} GROUP BY 1, 2`,
      );
      for (const [label, where, order, params] of pages) await measure(c, `d  ${label}`, page(where, order), params);

      // 2. A daily roll-up of lifecycle deltas per check (what persist/triage would maintain in the same
      //    transaction as the events): the 90-day trend then reads a few thousand rows.
      await c.query("SET statement_timeout = 0");
      t = performance.now();
      await c.query(
        `CREATE TEMP TABLE posture_daily AS
         SELECT date_trunc('day', e."createdAt") AS day, f."checkId", f.severity,
                sum(CASE WHEN e."toStatus" IN ('open', 'in_progress', 'reopened') AND (e."fromStatus" IS NULL OR e."fromStatus" NOT IN ('open', 'in_progress', 'reopened')) THEN 1
                         WHEN e."fromStatus" IN ('open', 'in_progress', 'reopened') AND e."toStatus" NOT IN ('open', 'in_progress', 'reopened') THEN -1 ELSE 0 END)::int AS delta
           FROM "FindingEvent" e JOIN "Finding" f ON f.id = e."findingId"
          WHERE e.type IN ('detected', 'fixed', 'reopened', 'status_changed', 'risk_expired')
          GROUP BY 1, 2, 3 HAVING sum(CASE WHEN e."toStatus" IS DISTINCT FROM e."fromStatus" THEN 1 ELSE 0 END) > 0`,
      );
      await c.query("ANALYZE posture_daily");
      const {
        rows: [pd],
      } = await c.query<{ n: string }>("SELECT count(*)::text AS n FROM posture_daily");
      console.log(
        `\nroll-up (day, check, severity, delta): ${Number(pd!.n).toLocaleString("en")} rows, built from the events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      await c.query(`SET statement_timeout = '${TIMEOUT_S}s'`);
      await measure(
        c,
        "b6 trend from the daily roll-up",
        `WITH first AS (SELECT date_trunc('day', now()) - interval '89 days' AS first),
              x AS (SELECT greatest(p.day, (SELECT first FROM first)) AS day, p.severity, sum(p.delta) AS delta
                      FROM posture_daily p JOIN "Check" c ON c.id = p."checkId" AND c.enabled GROUP BY 1, 2)
         SELECT d.day, s.severity, sum(coalesce(x.delta, 0)) OVER (PARTITION BY s.severity ORDER BY d.day) AS open
           FROM (${DAYS}) d CROSS JOIN unnest(enum_range(NULL::"Severity")) AS s(severity)
           LEFT JOIN x ON x.day = d.day AND x.severity = s.severity`,
      );

      // 3. A denormalised Finding.closedAt (last: the back-fill rewrites every row, which bloats the table
      //    inside this transaction and makes later timings pessimistic).
      if (!values["closed-at"]) return;
      await c.query("SET statement_timeout = 0");
      t = performance.now();
      await c.query(`ALTER TABLE "Finding" ADD COLUMN "closedAt" timestamp(3)`);
      await c.query(`UPDATE "Finding" f SET "closedAt" = ${closedFromEvents}`);
      await c.query(
        `CREATE INDEX "Finding_firstSeenAt_closedAt_severity_idx" ON "Finding" ("firstSeenAt", "closedAt", severity, "checkId")`,
      );
      await c.query(`ANALYZE "Finding"`);
      await c.query(`SET statement_timeout = '${TIMEOUT_S}s'`);
      console.log(`\nclosedAt added, back-filled and indexed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      await measure(
        c,
        "b4 range join on closedAt",
        `SELECT d.day, f.severity, count(f.severity) FROM (${DAYS}) d
           LEFT JOIN ("Finding" f ${ENABLED}) ON f."firstSeenAt" < d.day + interval '1 day' AND (f."closedAt" IS NULL OR f."closedAt" >= d.day + interval '1 day')
          GROUP BY 1, 2`,
      );
      await measure(
        c,
        "b5 running sums on closedAt",
        running(`(SELECT f.severity, f."firstSeenAt", f."closedAt" AS closed_at FROM "Finding" f ${ENABLED}) f WHERE true`),
      );
    } finally {
      await c.query("ROLLBACK");
      if (values["closed-at"]) {
        await c.query("SET statement_timeout = 0");
        await c.query('VACUUM (FULL, ANALYZE) "Finding"');
        // VACUUM FULL leaves the visibility map unset; index-only scans need it.
        await c.query('VACUUM "Finding"');
      }
    }
  } finally {
    await c.end();
  }
}

main().catch((e) => {
  console.error(`bench dashboard-sql failed: ${(e as Error).message}`);
  process.exit(1);
});
