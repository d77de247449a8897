/**
 * The findings table's SQL on the seeded database (read only): EXPLAIN ANALYZE of the page and count
 * statements for one filter + sort at a time, then findingPage timed end to end (both queries, in parallel,
 * through Prisma). The HTTP numbers come from bench/dashboard.ts; this says where the time goes.
 *
 *   node --import tsx bench/findings-queries.ts [--database posture_bench] [--runs 30] [--plans] [--only "severity=critical&sort=-dueAt"]
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "../lib/db/client.ts";
import { findingPage, findingPageSql, parseFindingView } from "../lib/findings/queries.ts";
import { loadVisibility, ORG_WIDE } from "../lib/findings/visibility.ts";

const { values: args } = parseArgs({
  options: {
    database: { type: "string", default: "posture_bench" },
    runs: { type: "string", default: "30" },
    plans: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
if (!/^[a-z][a-z0-9_]*$/.test(args.database)) throw new Error("--database: a plain database name");
const url = `postgresql://postgres@127.0.0.1:5432/${args.database}`;
const runs = Number(args.runs);

const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query("SET default_transaction_read_only = on");
const pick = async (sql: string) => (await client.query<{ id: string }>(sql)).rows[0]?.id ?? "none";
const ids = {
  repository: await pick(
    `SELECT "repositoryId" AS id FROM "Finding" WHERE status IN ('open','in_progress','reopened') GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  ),
  team: await pick(
    `SELECT r."teamId" AS id FROM "Finding" f JOIN "Repository" r ON r.id = f."repositoryId" GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  ),
  policy: await pick(`SELECT "policyId" AS id FROM "Finding" GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`),
  check: await pick(`SELECT "checkId" AS id FROM "Finding" GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`),
  assignee: await pick(`SELECT "assigneeId" AS id FROM "Finding" WHERE "assigneeId" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`),
};

const VIEWS: Record<string, string>[] = [
  {},
  { sort: "dueAt" },
  { sort: "-firstSeenAt" },
  { sort: "status" },
  { sort: "repository" },
  { severity: "critical", sort: "-dueAt" },
  { severity: "low" },
  { status: "open", sort: "-firstSeenAt" },
  { status: "all" },
  { status: "fixed", sort: "-firstSeenAt" },
  { repository: ids.repository, sort: "-severity" },
  { team: ids.team },
  { team: ids.team, sort: "repository" },
  { policy: ids.policy, sort: "dueAt" },
  { check: ids.check },
  { framework: "bentoml", sort: "-firstSeenAt" },
  { assignee: ids.assignee, sort: "dueAt" },
  { assignee: "none" },
  { age: "90" },
  { overdue: "1" },
  { overdue: "1", sort: "dueAt" },
  { assignee: ids.assignee, sort: "-overdue" },
  { page: "200" },
];

const label = (q: Record<string, string>) =>
  Object.entries(q)
    .map(([k, v]) => `${k}=${v === ids.repository || v === ids.team || v === ids.assignee ? "<busiest>" : v}`)
    .join("&") || "(default)";

async function explain(sql: { text: string; values: unknown[] }): Promise<{ ms: number; plan: string }> {
  const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
  const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
  return { ms: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN), plan };
}

const db = createDb(url, { max: 4 });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
console.log(`database ${args.database}; ${runs} runs per view; times in ms`);
console.log("view | EXPLAIN page | EXPLAIN count | findingPage p50 | p95 | total");
for (const q of args.only !== undefined ? [Object.fromEntries(new URLSearchParams(args.only))] : VIEWS) {
  const view = parseFindingView(q);
  // An org-wide reader: the widest (slowest) view.
  const visibility = await loadVisibility(db, ORG_WIDE);
  const sql = findingPageSql(view, ids.assignee, new Date(), visibility);
  const page = await explain(sql.rows);
  const count = await explain(sql.count);
  if (args.plans) console.log(`\n--- ${label(q)}\n${page.plan}\n${count.plan}\n`);
  const times: number[] = [];
  let total = "";
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await findingPage(db, view, ids.assignee, new Date(), visibility);
    times.push(performance.now() - t0);
    total = r.capped ? `${r.total}+` : String(r.total);
  }
  console.log(
    `${label(q)} | ${page.ms.toFixed(1)} | ${count.ms.toFixed(1)} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${total}`,
  );
}
await db.$disconnect();
await client.end();
