/**
 * The advisory set: published vulnerabilities of Python packages, as rulebook data. `rules/advisories/*.yaml` is
 * the bundled, dated set (each entry written from its public advisory: the identifiers and version ranges are the
 * advisory's, the summary ours); `rules/advisories/local/*.yaml` is what `posture advisories import` added on this
 * installation (lib/cli/advisories.ts). Both are read by the rulebook loader, count in the rulebook's version and
 * are handed to the checks that compare them with a repository's dependency declarations (lib/engine/advisories.ts).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { load as parseYaml } from "js-yaml";
import { z } from "zod";
import { valid as validVersion } from "@renovatebot/pep440";
import { specInterval } from "./pep440.ts";
import { reachableProblems } from "./reachability.ts";
import { RulebookError } from "./rulebook.ts";
import { SEVERITIES } from "./types.ts";

export const ADVISORIES_DIR = "advisories";
/** Below the rules directory: where imports are written, and read from like the bundled files. */
export const LOCAL_ADVISORIES_DIR = join(ADVISORIES_DIR, "local");
/** The bundled set is a few hundred entries; an import of a whole ecosystem's export some thousands. */
const MAX_ADVISORY_FILE_BYTES = 32 * 1024 * 1024;

/** OSV identifiers: CVE-2025-32434, GHSA-53q9-r3pm-6pq6, PYSEC-2024-110, and other databases' <DB>-<id>. */
export const ADVISORY_ID = /^(?:CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|[A-Z][A-Z0-9]*-[A-Za-z0-9._:-]+)$/;

const specifierSet = z
  .string()
  .min(1)
  .refine(
    (s) => specInterval(s) !== null && specInterval(s) !== undefined,
    'a PEP 440 specifier set that admits some version, e.g. ">=2.0,<2.6.0"',
  );

export const advisorySchema = z
  .object({
    /** The CVE when there is one, else the GHSA (or the import's OSV id). Findings are fingerprinted by it. */
    id: z.string().regex(ADVISORY_ID, "an advisory id: CVE-YYYY-N, GHSA-xxxx-xxxx-xxxx or an OSV id"),
    aliases: z.array(z.string().regex(ADVISORY_ID, "an advisory id")).default([]),
    /** As PyPI names it (normalised when compared). */
    package: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, "a Python package name"),
    /** The affected versions: any of these PEP 440 specifier sets. */
    affected: z.array(specifierSet).min(1),
    /** The releases that fix it (one per maintained series); empty when none does yet. */
    fixed: z.array(z.string().refine((v) => validVersion(v) !== null, "a PEP 440 version")).default([]),
    severity: z.enum(SEVERITIES),
    /** In our own words, short: it is part of every finding's message. */
    summary: z.string().min(1).max(80),
    url: z.url({ protocol: /^https$/ }),
    /** When the advisory was published (YYYY-MM-DD), if known. */
    published: z.iso.date().optional(),
    /**
     * What in a repository reaches the vulnerable part (reachability.ts): without it the advisory applies to any
     * repository that installs an affected version; with it, only to one whose code uses or mentions one of these.
     */
    reachable: z
      .object({
        uses: z.array(z.union([z.string().min(1).max(200), z.record(z.string(), z.unknown())])).default([]),
        mentions: z.array(z.string().min(1).max(100)).default([]),
      })
      .strict()
      .superRefine((r, ctx) => {
        if (!r.uses.length && !r.mentions.length) ctx.addIssue({ code: "custom", message: "names no use and no mention" });
        for (const message of reachableProblems(r)) ctx.addIssue({ code: "custom", message });
      })
      .optional(),
  })
  .strict();

export const advisoryFileSchema = z
  .object({
    /** When this file was last checked against its sources (the bundled set) or written (an import). */
    reviewed: z.iso.date(),
    /** Where an import came from (the file name given to `posture advisories import`). */
    source: z.string().min(1).optional(),
    advisories: z.array(advisorySchema),
  })
  .strict();

export type Advisory = z.infer<typeof advisorySchema> & {
  /** The advisory file it came from, relative to the rules directory. */
  file: string;
};
export type AdvisoryFile = z.infer<typeof advisoryFileSchema>;

/** The advisory files below a rules directory, bundled first, each relative to it ("/" separators). */
export function advisoryFiles(rulesDir: string): string[] {
  const list = (rel: string) => {
    const dir = join(rulesDir, rel);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => `${rel}/${e.name}`.split("\\").join("/"))
      .sort();
  };
  return [...list(ADVISORIES_DIR), ...list(LOCAL_ADVISORIES_DIR)];
}

/** Parses and validates one advisory file's text. Throws RulebookError naming the file and the entry. */
export function parseAdvisoryFile(text: string, file: string): AdvisoryFile {
  if (text.length > MAX_ADVISORY_FILE_BYTES) throw new RulebookError(file, `larger than ${MAX_ADVISORY_FILE_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = parseYaml(text, { filename: file });
  } catch (e) {
    throw new RulebookError(file, `not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const parsed = advisoryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RulebookError(file, `${issue.path.length ? issue.path.map(String).join(".") : "(top level)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Lower case, runs of -_. as one - (PEP 503), as dependencies.ts compares names. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The identifiers an advisory goes by, for telling whether two entries are one advisory. */
export function advisoryKeys(a: Pick<Advisory, "id" | "aliases" | "package">): string[] {
  return [a.id, ...a.aliases].map((id) => `${normalized(a.package)}:${id}`);
}

/**
 * Every advisory of a rules directory. Within the bundled set an advisory is given once (a second entry with the
 * same id or alias for the same package is an error); a local entry that the bundled set also holds is left out,
 * so a set updated after an import never reports one advisory twice.
 */
export function loadAdvisories(rulesDir: string, files = advisoryFiles(rulesDir)): Advisory[] {
  const out: Advisory[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const local = file.startsWith(`${LOCAL_ADVISORIES_DIR}/`);
    const parsed = parseAdvisoryFile(readFileSync(join(rulesDir, file), "utf8"), file);
    parsed.advisories.forEach((a, i) => {
      const keys = advisoryKeys(a);
      const other = keys.map((k) => seen.get(k)).find(Boolean);
      if (other && !local) throw new RulebookError(file, `advisories.${i}: ${a.id} for ${a.package} is given twice (also in ${other})`);
      if (other) return;
      for (const k of keys) seen.set(k, file);
      out.push({ ...a, file });
    });
  }
  return out;
}
