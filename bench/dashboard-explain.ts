/**
 * EXPLAIN (ANALYZE, BUFFERS) of every query the dashboard's aggregates send, on the seeded database
 * (npm run bench:explain [-- --database posture_bench] [--no-report]). The queries are not written again here:
 * each function of lib/dashboard runs once through a Prisma client that logs its statements, then every logged
 * statement is explained with its own parameters. Prints each function's time (median of 5 after a warm-up)
 * and each plan; writes the section "dashboard-explain" of docs/BENCHMARKS.md with the plans and whether any
 * of them scans Finding or FindingEvent sequentially.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { coverageTrend } from "../lib/dashboard/coverage.ts";
import { heatmap, heatmapParams } from "../lib/dashboard/heatmap.ts";
import { coverage, mttr, openFindings } from "../lib/dashboard/overview.ts";
import { acceptedRisks, slaView, statusBreakdown } from "../lib/dashboard/remediation.ts";
import { openTrend } from "../lib/dashboard/trends.ts";
import { type Db, PrismaClient } from "../lib/db/client.ts";
import { loadVisibility, ORG_WIDE, type Visibility } from "../lib/findings/visibility.ts";
import { BENCH_DATABASE, benchDatabaseUrl } from "./dashboard-seed.ts";
import { machine, median, writeSection } from "./report.ts";

const { values } = parseArgs({ options: { database: { type: "string" }, "no-report": { type: "boolean" } }, strict: true });
const database = values.database ?? BENCH_DATABASE;
if (!/^[a-z][a-z0-9_]*$/.test(database)) {
  console.error("bench:explain: --database: lower-case letters, digits and _");
  process.exit(2);
}
const url = benchDatabaseUrl(database);

interface Logged {
  query: string;
  params: string;
}
const logged: Logged[] = [];
const prisma = new PrismaClient({
  adapter: new PrismaPg({ connectionString: url, max: 4 }),
  log: [{ emit: "event", level: "query" }],
});
(prisma as unknown as { $on(e: "query", f: (q: Logged) => void): void }).$on("query", (q) =>
  logged.push({ query: q.query, params: q.params }),
);
const db = prisma as unknown as Db;

async function main() {
  const org = await loadVisibility(db, ORG_WIDE);
  const team = (await db.team.findFirst({ orderBy: { id: "asc" }, select: { id: true } }))!.id;
  const scoped: Visibility = { ...org, access: { all: false, teamIds: [team] } };
  const now = new Date();
  const cases: [string, () => Promise<unknown>][] = [
    ["overview: open, overdue, top policies and repositories (openFindings)", () => openFindings(db, { limit: 10, visibility: org, now })],
    ["overview: trend, 90 days (openTrend)", () => openTrend(db, { days: 90, visibility: org, now })],
    ["overview: trend, 365 days (openTrend)", () => openTrend(db, { days: 365, visibility: org, now })],
    ["overview: mean time to remediate, 90 days (mttr)", () => mttr(db, { days: 90, visibility: org, now })],
    ["overview: coverage cards (coverage)", () => coverage(db, { access: ORG_WIDE, now })],
    ["overview: coverage trend, 90 days (coverageTrend)", () => coverageTrend(db, { days: 90, access: ORG_WIDE, now })],
    ["heatmap: policies x repositories, page 1 (heatmap)", () => heatmap(db, heatmapParams.parse({}), org)],
    ["heatmap: policies x teams (heatmap)", () => heatmap(db, heatmapParams.parse({ columns: "teams" }), org)],
    ["remediation: status by team and repository (statusBreakdown)", () => statusBreakdown(db, { visibility: org })],
    ["remediation: SLA and due list (slaView)", () => slaView(db, { visibility: org, now })],
    ["remediation: accepted and returned risks (acceptedRisks)", () => acceptedRisks(db, { visibility: org, now })],
    ["remediation: burndown, 90 days (openTrend)", () => openTrend(db, { days: 90, visibility: org, now })],
    ["team-scoped reader: open findings (openFindings)", () => openFindings(db, { limit: 10, visibility: scoped, now })],
    ["team-scoped reader: trend, 90 days (openTrend)", () => openTrend(db, { days: 90, visibility: scoped, now })],
  ];

  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"]).toString().trim();
  const sizes = await c.query<{ t: string; n: string }>(
    `SELECT 'findings' t, count(*)::text n FROM "Finding" UNION ALL SELECT 'events', count(*)::text FROM "FindingEvent"
     UNION ALL SELECT 'FindingDayRollup rows', count(*)::text FROM "FindingDayRollup" UNION ALL SELECT 'FindingStatusRollup rows', count(*)::text FROM "FindingStatusRollup"
     UNION ALL SELECT 'FindingDueRollup rows', count(*)::text FROM "FindingDueRollup"`,
  );
  const out: string[] = [
    "## Dashboard queries: EXPLAIN (ANALYZE, BUFFERS) (`npm run bench:explain`)",
    "",
    `- Date: ${now.toISOString().slice(0, 10)}; commit ${commit}; machine: ${machine()}`,
    `- Database \`${database}\`: ${sizes.rows.map((r) => `${r.t} ${Number(r.n).toLocaleString("en")}`).join(", ")}.`,
    "- Each dashboard function ran once to warm up, then 5 times (median time below, in the process, including the round trips); then every statement it sent was explained with its own parameters. Org-wide admin unless the case says team-scoped.",
    "",
    "| aggregate | median | statements | sequential scan of Finding / FindingEvent |",
    "|---|---|---|---|",
  ];
  const plans: string[] = [];
  let seqScans = 0;
  for (const [name, run] of cases) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    logged.length = 0;
    await run();
    const statements = logged.filter((q) => /^\s*(WITH|SELECT)/i.test(q.query) && !/pg_catalog|"Settings"/.test(q.query));
    const seq: string[] = [];
    plans.push(`### ${name}`, "");
    for (const q of statements) {
      const params = JSON.parse(q.params) as unknown[];
      const { rows } = await c.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.query}`, params);
      const text = rows.map((r) => r["QUERY PLAN"]).join("\n");
      for (const m of text.matchAll(/Seq Scan on "(Finding|FindingEvent)"/g)) seq.push(m[1]!);
      plans.push("```", q.query.replace(/\s+/g, " ").slice(0, 400) + (q.query.length > 400 ? " …" : ""), "", text, "```", "");
    }
    seqScans += seq.length;
    const ms = median(times);
    console.log(`${name}: ${ms.toFixed(1)} ms, ${statements.length} statements${seq.length ? `, SEQ SCAN of ${seq.join(", ")}` : ""}`);
    out.push(`| ${name} | ${ms.toFixed(1)} ms | ${statements.length} | ${seq.length ? `**yes: ${seq.join(", ")}**` : "no"} |`);
  }
  await c.end();
  await prisma.$disconnect();
  out.push(
    "",
    `Sequential scans of Finding or FindingEvent in these plans: ${seqScans}.`,
    "",
    "<details><summary>Plans</summary>",
    "",
    ...plans,
    "</details>",
  );
  if (!values["no-report"]) writeSection("dashboard-explain", out.join("\n"));
}

main().catch((e) => {
  console.error(`bench:explain failed: ${(e as Error).message}`);
  process.exit(1);
});
