// What each ast-grep check costs over a tree, for rule authors:
//   node --import tsx bench/profile-checks.ts DIR [--rules DIR] [--check ID] [--unfiltered]
//
// Per check: the files its globs and prefilter select (count and KiB: each selected file is parsed once more,
// the main cost of a scan), how many of them it finds something in, and the CPU time of its one findInFiles
// call. A prefilter is good when "selected" is close to "matched". --unfiltered runs every check on every file
// its globs take, ignoring prefilters: a rule that is slow there climbs the tree per candidate node and will be
// slow on any repository where its prefilter passes. --check ID also lists the selected files with no match.
import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { RULES_DIR } from "../lib/config.ts";
import { compileChecks, ensureLanguages } from "../lib/engine/compile.ts";
import { applicableChecks } from "../lib/engine/match.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { findInFilesComplete, type AstCheck } from "../lib/engine/scan.ts";
import { decode } from "../lib/engine/scan-file.ts";
import { walk } from "../lib/engine/walk.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rules: { type: "string" }, check: { type: "string" }, unfiltered: { type: "boolean" } },
});
const dir = positionals[0];
if (!dir) throw new Error("usage: profile-checks.ts DIR [--rules DIR] [--check ID] [--unfiltered]");
ensureLanguages();
const rulebook = compileChecks(loadRulebook(values.rules ?? RULES_DIR).checks);
const astChecks = rulebook.checks.filter((c): c is AstCheck => c.matcher.kind === "ast" && (!values.check || c.check.id === values.check));
if (astChecks.length === 0) throw new Error(`no ast-grep check ${values.check ?? ""}`);

const selected = new Map<AstCheck, string[]>(astChecks.map((c) => [c, []]));
for (const file of walk(dir, { maxFileBytes: 1 << 20, maxFiles: 100_000, isTarget: rulebook.isTarget }).files) {
  const text = decode(readFileSync(file.abs)).text;
  const chosen = values.unfiltered
    ? rulebook.checks.filter((c) => rulebook.globSets[c.globSet]!(file.rel))
    : applicableChecks(rulebook, file.rel, text);
  for (const c of chosen) selected.get(c as AstCheck)?.push(file.abs);
}

/** CPU ms of one findInFiles call, and the files it matched in. */
async function run(c: AstCheck, paths: string[]): Promise<{ ms: number; matched: Set<string> }> {
  const before = process.cpuUsage();
  const matched = new Set<string>();
  await findInFilesComplete(c, paths, (err, nodes) => {
    if (!err && nodes.length) matched.add(nodes[0]!.getRoot().filename());
  });
  const u = process.cpuUsage(before);
  return { ms: (u.user + u.system) / 1000, matched };
}

const rows = [];
for (const [c, paths] of selected) {
  if (paths.length === 0) continue;
  const { ms, matched } = await run(c, paths);
  const kib = paths.reduce((n, p) => n + statSync(p).size, 0) / 1024;
  rows.push({ id: c.check.id, files: paths.length, kib: Math.round(kib), matched: matched.size, ms: Math.round(ms) });
  if (values.check) for (const p of paths) if (!matched.has(p)) console.log(`  selected, no match: ${p}`);
}
rows.sort((a, b) => b.ms - a.ms);
console.log(
  `${values.unfiltered ? "unfiltered (globs only)" : "with prefilters"}: ${rows.reduce((n, r) => n + r.files, 0)} (file, check) pairs, ${rows.reduce((n, r) => n + r.ms, 0)} ms CPU`,
);
console.log("     ms  files    KiB matched  check");
for (const r of rows)
  console.log(
    `${String(r.ms).padStart(7)} ${String(r.files).padStart(6)} ${String(r.kib).padStart(6)} ${String(r.matched).padStart(7)}  ${r.id}`,
  );
