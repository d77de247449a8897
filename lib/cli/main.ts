import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { config, RULES_DIR } from "../config.ts";
import { loadRulebook, saveRulebook, type Rulebook, type RulebookCache } from "../engine/rulebook.ts";
import { compileChecks, type CompiledRulebook } from "../engine/compile.ts";
import { atOrAbove, scanDirectory } from "../engine/scan.ts";
import { compareFindings } from "../engine/baseline.ts";
import { SEVERITIES } from "../engine/types.ts";
import { toSarif } from "../report/sarif.ts";
import { toText } from "../report/text.ts";
import { baselineTree } from "./baseline.ts";
import { cliFailure, UsageError, type Io } from "./io.ts";

export { UsageError, type Io };

/** The shipped rulebook: what scan and rules read without --rules (POSTURE_RULES_DIR is the worker's). */
export const DEFAULT_RULES_DIR = RULES_DIR;
const VERSION: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
const CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/posture", import.meta.url));

const USAGE = `usage:
  posture scan <path> [--format text|json|sarif] [--fail-on critical|high|medium|low] [--rules <dir>] [--baseline <git-ref>] [--verbose]
  posture rules [--format text|json] [--rules <dir>]
  posture db migrate
  posture user create --email <email> [--name <name>] [--role admin|security_lead|engineer|viewer] [--org-wide] [--password-stdin]
  posture token create --email <user email> --name <name> [--scope read|write] [--expires-days N]
  posture demo [--reset]
  posture credentials list | rotate
  posture advisories import <file.json|directory> [--rules <dir>] [--unrated critical|high|medium|low]
  posture --version`;

const scanOptions = z.object({
  format: z.enum(["text", "json", "sarif"]).default("text"),
  "fail-on": z.enum(SEVERITIES).optional(),
  rules: z.string().min(1).default(DEFAULT_RULES_DIR),
  verbose: z.boolean().default(false),
  baseline: z.string().min(1).optional(),
});
const rulesOptions = z.object({ format: z.enum(["text", "json"]).default("text"), rules: z.string().min(1).default(DEFAULT_RULES_DIR) });

function validate<T extends z.ZodType>(schema: T, values: unknown): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(`--${issue.path.join(".")}: ${issue.message}`);
}

function rulesListing(rb: Rulebook, format: "text" | "json"): string {
  if (format === "json") {
    return `${JSON.stringify(
      {
        version: rb.version,
        policies: rb.policies.map((p) => ({
          policy: p.policy,
          framework: p.framework,
          level: p.level,
          references: p.references,
          file: p.file,
          checks: p.checks.map((c) => ({ id: c.id, severity: c.severity, message: c.message, files: c.files })),
        })),
      },
      null,
      2,
    )}\n`;
  }
  const lines = [`${rb.policies.length} policies, ${rb.checks.length} checks (rulebook ${rb.version})`];
  for (const p of rb.policies) {
    lines.push("", `${p.policy}  [${p.framework}, ${p.level}; ${p.references.join(", ")}]`);
    for (const c of p.checks) lines.push(`  ${c.severity.padEnd(8)} ${c.id}`);
  }
  return `${lines.join("\n")}\n`;
}

function astGrepVersions(): string {
  const require = createRequire(import.meta.url);
  return ["@ast-grep/napi", "@ast-grep/lang-python", "@ast-grep/lang-yaml"]
    .map((p) => {
      try {
        return `${p}@${(require(`${p}/package.json`) as { version: string }).version}`;
      } catch {
        return p;
      }
    })
    .join(" ");
}

/**
 * Loads and compiles the rulebook. A rulebook that compiled once is kept (by content, in node_modules/.cache) and
 * not parsed or validated again: together that is most of a short scan's start-up.
 */
function loadCompiled(dir: string): { rulebook: Rulebook; compiled: CompiledRulebook } {
  const cache: RulebookCache = { dir: CACHE_DIR, salt: astGrepVersions() };
  const rulebook = loadRulebook(dir, cache);
  const compiled = compileChecks(rulebook.checks, { trusted: rulebook.cached });
  saveRulebook(rulebook, dir, cache);
  return { rulebook, compiled };
}

/** Runs the CLI and returns its exit code: 0 done, 1 findings at or above --fail-on, 2 usage or I/O error. */
export async function run(argv: string[], io: Io): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === "--version" || command === "-v") {
      io.stdout(`posture ${VERSION}\n`);
      return 0;
    }
    if (!command || command === "--help" || command === "-h" || command === "help") {
      (command ? io.stdout : io.stderr)(`${USAGE}\n`);
      return command ? 0 : 2;
    }
    if (command === "demo") return await (await import("./demo.ts")).demoCommand(rest, io);
    if (command === "credentials") return await (await import("./credentials.ts")).credentialsCommand(rest, io);
    if (command === "advisories") return await (await import("./advisories.ts")).advisoriesCommand(rest, io, config().rulesDir);
    if (command === "db" || command === "user" || command === "token") {
      const admin = await import("./admin.ts");
      return await { db: admin.dbCommand, user: admin.userCommand, token: admin.tokenCommand }[command](rest, io);
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          format: { type: "string" },
          "fail-on": { type: "string" },
          rules: { type: "string" },
          ...(command === "scan" ? { verbose: { type: "boolean" as const }, baseline: { type: "string" as const } } : {}),
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (command === "rules") {
      if (parsed.positionals.length) throw new UsageError(`unexpected argument: ${parsed.positionals[0]}`);
      const opts = validate(rulesOptions, parsed.values);
      const { rulebook } = loadCompiled(opts.rules); // a listing must not hide a rule that cannot run
      io.stdout(rulesListing(rulebook, opts.format));
      return 0;
    }
    if (command !== "scan") throw new UsageError(`unknown command: ${command}`);
    if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? "scan takes one path" : "scan needs a path");
    const opts = validate(scanOptions, parsed.values);
    const { rulebook, compiled } = loadCompiled(opts.rules);
    const path = parsed.positionals[0]!;
    // With a baseline, the report is the scan of <path> with only the findings the baseline's tree does not have.
    let scanned;
    let baseline;
    if (opts.baseline) {
      const tree = await baselineTree(path, opts.baseline);
      try {
        const before = await scanDirectory(tree.dir, { checks: rulebook.checks, compiled });
        scanned = await scanDirectory(path, { checks: rulebook.checks, compiled });
        const change = compareFindings(before.findings, scanned.findings);
        baseline = {
          ref: opts.baseline,
          commit: tree.commit,
          fixed: change.fixed,
          unchanged: change.unchanged.length,
          errors: before.errors,
          introduced: change.introduced,
        };
      } finally {
        await tree.remove();
      }
    } else scanned = await scanDirectory(path, { checks: rulebook.checks, compiled });
    const result = baseline ? { ...scanned, findings: baseline.introduced } : scanned;

    if (opts.format === "json") {
      const { repoConfig, findings, suppressed, stats, errors, skippedFiles, skippedFilesOmitted, advisoriesNotReached } = result;
      const compared = baseline
        ? {
            baseline: {
              ref: baseline.ref,
              commit: baseline.commit,
              fixed: baseline.fixed,
              unchanged: baseline.unchanged,
              errors: baseline.errors,
            },
          }
        : {};
      io.stdout(
        `${JSON.stringify(
          {
            ...(repoConfig ? { repoConfig } : {}),
            findings,
            suppressed,
            stats,
            errors,
            skippedFiles,
            skippedFilesOmitted,
            advisoriesNotReached,
            ...compared,
          },
          null,
          2,
        )}\n`,
      );
    } else if (opts.format === "sarif") {
      io.stdout(
        `${JSON.stringify(toSarif({ policies: rulebook.policies, findings: result.findings, suppressed: result.suppressed, errors: result.errors, toolVersion: VERSION }), null, 2)}\n`,
      );
    } else {
      io.stdout(toText(result, io.isTTY && !config().noColor, { verbose: opts.verbose }));
      if (baseline) {
        const n = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
        io.stdout(
          `Compared with ${baseline.ref} (${baseline.commit.slice(0, 12)}): ${n(baseline.introduced.length, "new finding")} shown, ${n(baseline.fixed.length, "finding")} fixed, ${baseline.unchanged} already there\n`,
        );
      }
    }
    const threshold = opts["fail-on"];
    return threshold && result.findings.some((f) => atOrAbove(f.severity, threshold)) ? 1 : 0;
  } catch (e) {
    const failure = cliFailure(e, USAGE);
    io.stderr(failure.stderr);
    return failure.exitCode;
  }
}

/** The process entry point, also called by the prebuilt bundle bin/posture runs. */
export async function main(): Promise<void> {
  const code = await run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: !!process.stdout.isTTY,
  });
  // Let stdout drain before exiting: a large JSON or SARIF report is written asynchronously to a pipe.
  process.exitCode = code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
