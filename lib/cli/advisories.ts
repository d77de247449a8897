/**
 * `posture advisories import FILE|DIR [--rules DIR] [--unrated SEVERITY]`: adds an OSV export (osv.dev's
 * per-ecosystem zip unpacked into a directory, one record, an array, or an API answer) to this installation's
 * advisory set, so an offline installation stays current. It writes `<rules>/advisories/local/osv-import.yaml`,
 * which the rulebook loader reads beside the bundled rules/advisories/*.yaml (lib/engine/advisory-set.ts); the
 * rulebook version changes with it, so the worker, once restarted, scans every repository again.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { dump } from "js-yaml";
import { z } from "zod";
import { ADVISORIES_DIR, LOCAL_ADVISORIES_DIR, loadAdvisories, parseAdvisoryFile, advisoryFiles } from "../engine/advisory-set.ts";
import { importOsv, osvRecords, type ImportReport } from "../engine/osv.ts";
import { RulebookError } from "../engine/rulebook.ts";
import { SEVERITIES } from "../engine/types.ts";
import { UsageError, type Io } from "./io.ts";

export const ADVISORIES_USAGE =
  "usage: posture advisories import <file.json|directory> [--rules <dir>] [--unrated critical|high|medium|low]";
export const IMPORT_FILE = "osv-import.yaml";
/** osv.dev's whole-PyPI export is some tens of megabytes unpacked; one file past this is not an export. */
const MAX_EXPORT_FILE_BYTES = 64 * 1024 * 1024;
const MAX_EXPORT_FILES = 100_000;
const LISTED = 20;

const options = z.object({
  rules: z.string().min(1),
  unrated: z.enum(SEVERITIES).optional(),
});

function readJson(path: string, shown: string): unknown {
  const size = statSync(path).size;
  if (size > MAX_EXPORT_FILE_BYTES) throw new RulebookError(shown, `larger than ${MAX_EXPORT_FILE_BYTES} bytes`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new RulebookError(shown, `not JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** The records of an export file, or of every *.json file of a directory (not descending). */
function readExport(path: string): unknown[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new RulebookError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!st.isDirectory()) return osvRecords(readJson(path, path), path);
  const files = readdirSync(path, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".json"));
  if (files.length === 0) throw new RulebookError(path, "no .json files in this directory");
  if (files.length > MAX_EXPORT_FILES) throw new RulebookError(path, `more than ${MAX_EXPORT_FILES} files`);
  return files
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((f) => osvRecords(readJson(join(path, f.name), join(path, f.name)), join(path, f.name)));
}

function list(entries: { id: string; package: string }[]): string {
  const shown = entries.slice(0, LISTED).map((e) => `${e.id} (${e.package})`);
  return entries.length > LISTED ? `${shown.join(", ")} and ${entries.length - LISTED} more` : shown.join(", ");
}

function describe(r: ImportReport, written: string): string {
  const lines = [`read ${r.records} OSV record${r.records === 1 ? "" : "s"}`];
  lines.push(`added ${r.added.length}${r.added.length ? `: ${list(r.added)}` : ""}`);
  if (r.updated.length) lines.push(`updated ${r.updated.length}: ${list(r.updated)}`);
  if (r.unchanged) lines.push(`unchanged ${r.unchanged}`);
  if (r.removed.length) lines.push(`removed ${r.removed.length} (withdrawn): ${list(r.removed)}`);
  if (r.skipped.length) {
    lines.push(`skipped ${r.skipped.length}:`);
    for (const s of r.skipped.slice(0, LISTED)) lines.push(`  ${s.id}: ${s.reason}`);
    if (r.skipped.length > LISTED) lines.push(`  and ${r.skipped.length - LISTED} more`);
  }
  lines.push(
    `wrote ${written} (${r.file.advisories.length} advisor${r.file.advisories.length === 1 ? "y" : "ies"}); scans read it with the bundled set from the next rulebook load (restart the worker)`,
  );
  return `${lines.join("\n")}\n`;
}

export async function advisoriesCommand(args: string[], io: Io, defaultRules: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { rules: { type: "string" }, unrated: { type: "string" } } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${ADVISORIES_USAGE}`);
  }
  const [sub, file, ...extra] = parsed.positionals;
  if (sub !== "import") throw new UsageError(sub ? `unknown advisories command: ${sub}` : "advisories needs a command");
  if (!file || extra.length)
    throw new UsageError(file ? `unexpected argument: ${extra[0]}` : "advisories import needs a file or directory");
  const opts = options.safeParse({ rules: parsed.values.rules ?? defaultRules, unrated: parsed.values.unrated });
  if (!opts.success) throw new UsageError(`--${opts.error.issues[0]!.path.join(".")}: ${opts.error.issues[0]!.message}`);
  const rules = opts.data.rules;
  if (!existsSync(join(rules, ADVISORIES_DIR)) || !statSync(join(rules, ADVISORIES_DIR)).isDirectory())
    throw new RulebookError(rules, `no ${ADVISORIES_DIR}/ directory: not a rules directory`);

  const records = readExport(file);
  const target = join(rules, LOCAL_ADVISORIES_DIR, IMPORT_FILE);
  const targetRel = `${LOCAL_ADVISORIES_DIR}/${IMPORT_FILE}`;
  // The bundled set and every other local file: an advisory they hold is not imported again.
  const others = advisoryFiles(rules).filter((f) => f !== targetRel);
  const bundled = loadAdvisories(rules, others);
  const local = existsSync(target) ? parseAdvisoryFile(readFileSync(target, "utf8"), targetRel).advisories : [];
  const report = importOsv(records, {
    source: basename(file),
    bundled,
    local,
    today: new Date().toISOString().slice(0, 10),
    unrated: opts.data.unrated,
  });

  const text = `# Written by \`posture advisories import\`: OSV records added to this installation's advisory set.\n${dump(report.file, { lineWidth: 120, noRefs: true })}`;
  // What is written must load: validate it as the loader will before replacing the file.
  parseAdvisoryFile(text, targetRel);
  mkdirSync(join(rules, LOCAL_ADVISORIES_DIR), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, target);
  const shown = relative(process.cwd(), target);
  io.stdout(describe(report, shown && !shown.startsWith("..") ? shown : target));
  return 0;
}
