/**
 * The labelled detection benchmark (docs/DETECTION.md): scans every prepared repository of
 * bench/detection/repos.yaml with the engine and scores the findings against bench/detection/labels/.
 *
 *   npm run bench:detection [-- --json] [-- --write]
 *
 * --json prints the whole result as JSON; --write replaces the results section of docs/DETECTION.md; --rules DIR
 * scans with another rulebook (e.g. a committed one exported while the working tree's is being edited).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { compileChecks } from "../lib/engine/compile.ts";
import { loadRulebook, RulebookError } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { commitMarker, CORPUS, REPOS_FILE } from "./detection/prepare.ts";
import {
  BenchDataError,
  corpusDirName,
  labelFileName,
  rates,
  readLabels,
  readRepos,
  scoreRepo,
  TARGETS,
  total,
  type Counts,
  type LabelFile,
  type RepoEntry,
  type RepoScore,
  type ScoredFinding,
} from "./detection/score.ts";

const ROOT = join(import.meta.dirname, "..");
const LABELS_DIR = join(import.meta.dirname, "detection", "labels");
const DOC = join(ROOT, "docs", "DETECTION.md");
const RESULTS_START = "<!-- detection-results:start -->";
const RESULTS_END = "<!-- detection-results:end -->";

/** Why a listed repository was not scored: it is reported, never silently dropped. */
interface NotScored {
  repo: string;
  reason: string;
}

interface RepoRun {
  entry: RepoEntry;
  score: RepoScore;
  /** false when the repository has no label file: its findings are all unlabelled. */
  labelled: boolean;
  errors: number;
  warnings: string[];
}

interface BenchResult {
  date: string;
  commit: string;
  machine: string;
  /** Content hash of the rulebook scanned with, and whether it was the working tree's rules/. */
  rulebook: { version: string; dir: string };
  repos: RepoRun[];
  notScored: NotScored[];
  strayLabelFiles: string[];
  overall: Counts;
  perCheck: Record<string, Counts>;
}

function labelsFor(entry: RepoEntry): { labels: LabelFile | null; problem?: string } {
  const file = join(LABELS_DIR, labelFileName(entry.repo));
  if (!existsSync(file)) return { labels: null };
  const labels = readLabels(file);
  if (labels.repo !== entry.repo) return { labels: null, problem: `${file}: labels repository ${labels.repo}, not ${entry.repo}` };
  if (labels.commit !== entry.commit) {
    return { labels: null, problem: `${file}: labels commit ${labels.commit.slice(0, 12)}, repos.yaml pins ${entry.commit.slice(0, 12)}` };
  }
  return { labels };
}

async function run(rulesDir: string): Promise<BenchResult> {
  const entries = readRepos(REPOS_FILE);
  const rulebook = loadRulebook(rulesDir);
  const compiled = compileChecks(rulebook.checks);
  const repos: RepoRun[] = [];
  const notScored: NotScored[] = [];

  for (const entry of entries) {
    const dir = join(CORPUS, corpusDirName(entry.repo));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      notScored.push({ repo: entry.repo, reason: "not prepared (node --import tsx bench/detection/prepare.ts)" });
      continue;
    }
    const warnings: string[] = [];
    const marker = existsSync(commitMarker(entry.repo)) ? readFileSync(commitMarker(entry.repo), "utf8").trim() : null;
    if (marker === null) warnings.push("prepared without prepare.ts: the exported commit is unknown");
    else if (marker !== entry.commit) {
      notScored.push({
        repo: entry.repo,
        reason: `prepared at ${marker.slice(0, 12)}, repos.yaml pins ${entry.commit.slice(0, 12)}: prepare again`,
      });
      continue;
    }
    let labels: LabelFile | null;
    try {
      const found = labelsFor(entry);
      if (found.problem) {
        notScored.push({ repo: entry.repo, reason: found.problem });
        continue;
      }
      labels = found.labels;
    } catch (e) {
      if (!(e instanceof BenchDataError)) throw e;
      notScored.push({ repo: entry.repo, reason: e.message });
      continue;
    }
    const result = await scanDirectory(dir, { checks: rulebook.checks, compiled });
    const findings: ScoredFinding[] = result.findings.map((f) => ({
      ruleId: f.ruleId,
      path: f.path,
      line: f.line,
      severity: f.severity,
      message: f.message,
      context: f.context,
    }));
    repos.push({
      entry,
      score: scoreRepo(entry.repo, findings, labels),
      labelled: labels !== null,
      errors: result.errors.length,
      warnings,
    });
  }

  const listed = new Set(entries.map((e) => labelFileName(e.repo)));
  const strayLabelFiles = existsSync(LABELS_DIR) ? readdirSync(LABELS_DIR).filter((f) => f.endsWith(".yaml") && !listed.has(f)) : [];
  const { overall, perCheck } = total(repos.filter((r) => r.labelled).map((r) => r.score));
  const cpu = cpus();
  return {
    date: new Date().toISOString().slice(0, 10),
    commit: gitHead(),
    rulebook: { version: rulebook.version, dir: relative(ROOT, rulesDir).startsWith("..") ? rulesDir : relative(ROOT, rulesDir) || "." },
    machine: `${cpu.length} x ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    repos,
    notScored,
    strayLabelFiles,
    overall,
    perCheck,
  };
}

function gitHead(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const pct = (r: number | null) => (r === null ? "-" : `${(r * 100).toFixed(0)}%`);

function row(name: string, c: Counts): string[] {
  const r = rates(c);
  return [
    name,
    String(c.findings),
    String(c.labelled),
    String(c.true),
    String(c.noise),
    String(c.false),
    pct(r.precision),
    pct(r.noiseShare),
    pct(r.falseShare),
    pct(r.productionTrue),
    c.expected ? `${c.expectedMet}/${c.expected} ${pct(r.recall)}` : "-",
    c.highImpact ? `${c.highImpactMet}/${c.highImpact} ${pct(r.highImpactRecall)}` : "-",
  ];
}

const HEADER = [
  "",
  "findings",
  "labelled",
  "true",
  "noise",
  "false",
  "precision",
  "noise",
  "false share",
  "prod. true",
  "recall",
  "high-impact recall",
];

function markdownTable(rows: string[][]): string {
  const lines = [HEADER, HEADER.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`);
  return lines.join("\n");
}

function plainTable(rows: string[][]): string {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

/** A share beside its target: one decimal, so a figure just under the target never reads as reaching it. */
const pct1 = (r: number | null) => (r === null ? "-" : `${(r * 100).toFixed(1)}%`);

function targetsLine(c: Counts): string {
  const r = rates(c);
  const pct = pct1;
  const mark = (ok: boolean | null) => (ok === null ? "no data" : ok ? "met" : "NOT met");
  return [
    `high-impact recall ${pct(r.highImpactRecall)} (target >= ${pct(TARGETS.highImpactRecall)}: ${mark(r.highImpactRecall === null ? null : r.highImpactRecall >= TARGETS.highImpactRecall)})`,
    `false ${pct(r.falseShare)} (target < ${pct(TARGETS.falseShare)}: ${mark(r.falseShare === null ? null : r.falseShare < TARGETS.falseShare)})`,
    `production-context findings true ${pct(r.productionTrue)} (target >= ${pct(TARGETS.productionTrue)}: ${mark(r.productionTrue === null ? null : r.productionTrue >= TARGETS.productionTrue)})`,
  ].join("; ");
}

/** The report, as Markdown (for docs/DETECTION.md) or as plain text (for the terminal). */
function report(res: BenchResult, markdown: boolean): string {
  const table = markdown ? markdownTable : plainTable;
  const h = (s: string) => (markdown ? `### ${s}` : `== ${s}`);
  const item = (s: string) => (markdown ? `- ${s}` : `  ${s}`);
  const code = (s: string) => (markdown ? `\`${s}\`` : s);
  const out: string[] = [];
  out.push(
    `${markdown ? "" : "detection benchmark: "}${res.date}, commit ${code(res.commit.slice(0, 12))}, rulebook ${code(res.rulebook.version.slice(0, 12))} (${res.rulebook.dir}), ${res.machine}`,
    "",
  );
  out.push(h("Overall (labelled repositories)"), "", table([row("overall", res.overall)]), "", targetsLine(res.overall), "");

  out.push(h("Per repository"), "");
  out.push(table(res.repos.map((r) => row(`${r.entry.repo}${r.labelled ? "" : " (no labels)"}`, r.score.overall))), "");
  if (res.notScored.length) {
    out.push(h("Not scored"), "", ...res.notScored.map((n) => item(`${n.repo}: ${n.reason}`)), "");
  }
  const warnings = res.repos.flatMap((r) => [
    ...r.warnings.map((w) => `${r.entry.repo}: ${w}`),
    ...(r.errors ? [`${r.entry.repo}: the scan reported ${r.errors} file error(s)`] : []),
  ]);
  if (warnings.length || res.strayLabelFiles.length) {
    out.push(
      h("Warnings"),
      "",
      ...warnings.map(item),
      ...res.strayLabelFiles.map((f) => item(`labels/${f}: no repository of repos.yaml`)),
      "",
    );
  }

  const checks = Object.keys(res.perCheck).sort();
  out.push(h("Per check"), "", table(checks.map((id) => row(id, res.perCheck[id]!))), "");

  const missed = res.repos.flatMap((r) => r.score.missed.map((e) => ({ repo: r.entry.repo, e })));
  out.push(h(`Missed expected items (${missed.length})`), "");
  for (const { repo, e } of missed) {
    out.push(
      item(`[${e.impact}] ${repo} ${code(`${e.path}:${e.line}`)} ${e.class}${e.checks ? ` (${e.checks.join(", ")})` : ""}: ${e.note}`),
    );
  }
  out.push("");

  const unlabelled = res.repos.flatMap((r) => r.score.unlabelled.map((f) => ({ repo: r.entry.repo, f })));
  out.push(h(`Unlabelled findings (${unlabelled.length}; not counted)`), "");
  for (const { repo, f } of unlabelled) out.push(item(`${repo} ${code(`${f.path}:${f.line}`)} ${f.ruleId} [${f.severity}, ${f.context}]`));
  out.push("");

  const stale = res.repos.flatMap((r) => r.score.staleLabels.map((l) => ({ repo: r.entry.repo, l })));
  if (stale.length) {
    out.push(h(`Labels no finding carries (${stale.length})`), "");
    for (const { repo, l } of stale) out.push(item(`${repo} ${code(`${l.path}:${l.line}`)} ${l.check} (${l.label})`));
    out.push("");
  }
  return out.join("\n");
}

function writeDoc(res: BenchResult): void {
  const section = `${RESULTS_START}\n## Results\n\nWritten by \`npm run bench:detection -- --write\`.\n\n${report(res, true)}\n${RESULTS_END}`;
  const doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Detection benchmark\n";
  const start = doc.indexOf(RESULTS_START);
  const end = doc.indexOf(RESULTS_END);
  const next =
    start >= 0 && end > start ? doc.slice(0, start) + section + doc.slice(end + RESULTS_END.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, next);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { json: { type: "boolean" }, write: { type: "boolean" }, rules: { type: "string" } } });
  let res: BenchResult;
  try {
    res = await run(values.rules ?? join(ROOT, "rules"));
  } catch (e) {
    if (e instanceof BenchDataError || e instanceof RulebookError || (e as NodeJS.ErrnoException).code === "ENOENT") {
      console.error(`bench:detection: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
  if (values.json) {
    const { repos, ...rest } = res;
    const json = {
      ...rest,
      rates: rates(res.overall),
      targets: TARGETS,
      repos: repos.map((r) => ({
        commit: r.entry.commit,
        labelled: r.labelled,
        errors: r.errors,
        warnings: r.warnings,
        ...r.score,
        rates: rates(r.score.overall),
      })),
    };
    console.log(JSON.stringify(json, null, 2));
  } else {
    console.log(report(res, false));
  }
  if (values.write) {
    writeDoc(res);
    console.error(`wrote ${DOC}`);
  }
  return 0;
}

process.exitCode = await main();
