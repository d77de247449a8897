// Time each check takes over a tree, through the real engine (for rule authors):
//   node --import tsx bench/profile-checks.ts DIR [rules-dir]
import { DEFAULT_RULES_DIR } from "../lib/cli/main.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";

const [dir, rulesDir = DEFAULT_RULES_DIR] = process.argv.slice(2);
if (!dir) throw new Error("usage: profile-checks.ts DIR [rules-dir]");
const rulebook = loadRulebook(rulesDir);
const baseline = await scanDirectory(dir, { checks: [] });
const rows = [];
for (const c of rulebook.checks) {
  const t = performance.now();
  const r = await scanDirectory(dir, { checks: [c] });
  rows.push({ id: c.id, ms: Math.round(performance.now() - t), findings: r.findings.length });
}
rows.sort((a, b) => b.ms - a.ms);
console.log(`walk-only baseline ${baseline.stats.durationMs} ms; sum over checks ${rows.reduce((n, r) => n + r.ms, 0)} ms`);
for (const r of rows.slice(0, 30)) console.log(`${String(r.ms).padStart(7)} ms ${String(r.findings).padStart(5)}  ${r.id}`);
