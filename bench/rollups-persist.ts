/**
 * What keeping the rollups costs a scan's save (npm run bench:rollups [-- --findings 5000] [--no-report]):
 * persistScan on a scratch database for a first scan of N new findings, a rescan that sees them all again,
 * and a rescan that finds them all fixed, with the rollup triggers on and (ALTER TABLE ... DISABLE TRIGGER)
 * off, interleaved, 5 rounds; medians. The triggers' time is the difference. Writes the section
 * "rollups-persist" of docs/BENCHMARKS.md.
 */
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { policyId, syncCatalogue } from "../lib/catalogue.ts";
import { config } from "../lib/config.ts";
import { createDb } from "../lib/db/client.ts";
import { dropDatabase, ensureDatabase, migrate } from "../lib/db/migrate.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import type { Finding, ScanResult } from "../lib/engine/types.ts";
import { persistScan } from "../lib/scan/persist.ts";
import { getSettings } from "../lib/settings.ts";
import { BENCH_PG } from "./dashboard-seed.ts";
import { machine, median, writeSection } from "./report.ts";

const { values } = parseArgs({ options: { findings: { type: "string" }, "no-report": { type: "boolean" } }, strict: true });
const N = Number(values.findings ?? 5000);
if (!Number.isInteger(N) || N < 1 || N > 100_000) {
  console.error("bench:rollups: --findings: a whole number from 1 to 100000");
  process.exit(2);
}
const ROUNDS = 5;
const TRIGGERS = ['"Finding"', '"FindingEvent"'];

async function main() {
  const url = `${BENCH_PG}/posture_bench_rollups_${process.pid}`;
  await ensureDatabase(url);
  await migrate(url);
  const db = createDb(url, { max: 2 });
  try {
    const rulebook = loadRulebook(config().rulesDir);
    await syncCatalogue(db, rulebook);
    const settings = await getSettings(db);
    const checks = rulebook.checks.filter((c) => !c.advisories);
    const policyOf = new Map(rulebook.policies.flatMap((p) => p.checks.map((c) => [c.id, policyId(p.file)] as const)));
    const team = await db.team.create({ data: { name: "bench" } });
    const active = new Set(checks.map((c) => c.id));
    const times: Record<"on" | "off", Record<"new" | "seen" | "fixed", number[]>> = {
      on: { new: [], seen: [], fixed: [] },
      off: { new: [], seen: [], fixed: [] },
    };
    for (let round = 0; round < ROUNDS; round++)
      for (const mode of round % 2 ? (["off", "on"] as const) : (["on", "off"] as const)) {
        for (const t of TRIGGERS) await db.$executeRawUnsafe(`ALTER TABLE ${t} ${mode === "on" ? "ENABLE" : "DISABLE"} TRIGGER USER`);
        const repo = await db.repository.create({
          data: {
            teamId: team.id,
            name: `r${round}${mode}`,
            url: `https://x.example/${round}${mode}`,
            urlKey: `https://x.example/${round}${mode}`,
          },
        });
        const findings: Finding[] = Array.from({ length: N }, (_, i) => {
          const c = checks[i % checks.length]!;
          return {
            ruleId: c.id,
            policy: policyOf.get(c.id)!,
            framework: c.framework,
            severity: c.severity,
            path: `svc/m${i % 300}.py`,
            line: 1 + (i % 400),
            column: 1,
            endLine: 1 + (i % 400),
            endColumn: 9,
            message: "m",
            snippet: "s",
            fingerprint: `f${i}`,
            context: "production",
          } as Finding;
        });
        const result = (fs: Finding[]) =>
          ({ findings: fs, suppressed: [], stats: {}, errors: [], skippedFiles: [], skippedFilesOmitted: 0 }) as unknown as ScanResult;
        for (const [step, fs] of [
          ["new", findings],
          ["seen", findings],
          ["fixed", []],
        ] as const) {
          const scan = await db.scan.create({ data: { repositoryId: repo.id, trigger: "manual", status: "saving" } });
          const t0 = performance.now();
          await persistScan(db, {
            scanId: scan.id,
            repositoryId: repo.id,
            commitSha: step,
            rulebook,
            activeCheckIds: active,
            result: result([...fs]),
            settings,
          });
          times[mode][step].push(performance.now() - t0);
        }
      }
    for (const t of TRIGGERS) await db.$executeRawUnsafe(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
    const row = (step: "new" | "seen" | "fixed", label: string) => {
      const on = median(times.on[step]);
      const off = median(times.off[step]);
      return `| ${label} | ${off.toFixed(0)} ms | ${on.toFixed(0)} ms | ${(on - off).toFixed(0)} ms (${(((on - off) / off) * 100).toFixed(0)}%) |`;
    };
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"]).toString().trim();
    const md = [
      "## What the rollups cost a scan's save (`npm run bench:rollups`)",
      "",
      `- Date: ${new Date().toISOString().slice(0, 10)}; commit ${commit}; machine: ${machine()}; load average ${loadavg()[0]!.toFixed(1)} when done (other work on the machine).`,
      `- \`persistScan\` of one repository with ${N.toLocaleString("en")} findings on a scratch database, the rollup and change-notice triggers disabled vs enabled, interleaved, ${ROUNDS} rounds, medians.`,
      "",
      "| save | triggers off | triggers on | rollups' cost |",
      "|---|---|---|---|",
      row("new", `first scan: ${N.toLocaleString("en")} new findings`),
      row("seen", `rescan: all ${N.toLocaleString("en")} seen again`),
      row("fixed", `rescan: all ${N.toLocaleString("en")} fixed`),
    ].join("\n");
    console.log(md);
    if (!values["no-report"]) writeSection("rollups-persist", md);
  } finally {
    await db.$disconnect();
    await dropDatabase(url);
  }
}

main().catch((e) => {
  console.error(`bench:rollups failed: ${(e as Error).message}`);
  process.exit(1);
});
