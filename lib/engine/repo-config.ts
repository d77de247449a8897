/**
 * A repository's own `.posture.yaml`: what it asks the scanner not to look at, what its files are for, and which
 * checks do not apply where. Parsing and matching are pure; readRepoConfig reads the file from a scan root for
 * scanDirectory, so the CLI and the worker honour it alike.
 *
 * ```yaml
 * exclude:                      # not scanned at all; listed in the result with the reason
 *   - path: third_party/**
 *     reason: vendored upstream code
 * contexts:                     # overrides what lib/engine/context.ts decides from the path
 *   - path: tools/**
 *     context: build
 * disable:                      # a check (or id glob) off for some paths
 *   - check: modal.secrets.*
 *     paths: [deploy/dev/**]
 *     reason: throwaway credentials of the local stack
 * ```
 */
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { load as parseYaml } from "js-yaml";
import picomatch from "picomatch";
import { z } from "zod";
import { CODE_CONTEXTS, type CodeContext, type RepoConfigSummary } from "./types.ts";

export const REPO_CONFIG_FILE = ".posture.yaml";
/** A configuration is a few lines; anything this size is not one. */
export const MAX_REPO_CONFIG_BYTES = 256 * 1024;

const required = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "required" : `must be ${what}`),
});
const text = z.string(required("a string")).trim().min(1, "required");
const pathGlob = text.refine((p) => !p.split("/").includes(".."), "must stay inside the repository (no '..')");

const schema = z
  .object({
    exclude: z
      .array(z.object({ path: pathGlob, reason: text }, required("a mapping of path and reason")).strict(), required("a list"))
      .optional(),
    contexts: z
      .array(
        z
          .object(
            {
              path: pathGlob,
              context: z.enum(CODE_CONTEXTS, {
                error: (i) => (i.input === undefined ? "required" : `must be one of ${CODE_CONTEXTS.join(", ")}`),
              }),
            },
            required("a mapping of path and context"),
          )
          .strict(),
        required("a list"),
      )
      .optional(),
    disable: z
      .array(
        z
          .object(
            {
              check: text.regex(/^[a-z0-9.*?{},[\]!-]+$/, "must be a check id or an id glob such as modal.secrets.*"),
              paths: z.array(pathGlob, required("a list of path globs")).min(1, "give at least one path glob").default(["**"]),
              reason: text,
            },
            required("a mapping of check, paths and reason"),
          )
          .strict(),
        required("a list"),
      )
      .optional(),
  })
  .strict();

export interface RepoConfig {
  summary: RepoConfigSummary;
  /** The reason a path (file or directory) is excluded, or undefined when it is scanned. */
  excluded(path: string): string | undefined;
  /** The context the configuration gives this file, if any. */
  contextOf(path: string): CodeContext | undefined;
  /** True when the configuration turns this check off for this file. */
  disabled(checkId: string, path: string): boolean;
}

export type RepoConfigResult = { ok: true; config: RepoConfig } | { ok: false; error: string };

/** "exclude[0].reason" */
function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out || "(top level)";
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `${fieldName(issue.path)}: unknown field ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  if (issue.path.length === 0 && issue.code === "invalid_type") return "(top level): must be a mapping of exclude, contexts and disable";
  return `${fieldName(issue.path)}: ${issue.message}`;
}

/** A glob applies to a path when it matches the path itself or one of its directories ("vendor" covers vendor/x.py). */
function pathMatcher(globs: readonly string[]): (path: string) => boolean {
  const m = picomatch(
    globs.map((g) => g.replace(/^\.\//, "").replace(/^\/+/, "").replace(/\/+$/, "")),
    { dot: true },
  );
  return (path) => {
    if (m(path)) return true;
    for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) if (m(path.slice(0, i))) return true;
    return false;
  };
}

export const EMPTY_REPO_CONFIG: RepoConfig = {
  summary: { exclusions: [], contextOverrides: [], disabledChecks: [] },
  excluded: () => undefined,
  contextOf: () => undefined,
  disabled: () => false,
};

/** Parses a .posture.yaml text; a problem is one message naming the field, e.g. "exclude[0].reason: required". */
export function parseRepoConfig(source: string): RepoConfigResult {
  if (source.length > MAX_REPO_CONFIG_BYTES) return { ok: false, error: `larger than ${MAX_REPO_CONFIG_BYTES} bytes` };
  let raw: unknown = {};
  // An empty or comment-only file asks for nothing (the YAML loader refuses a document without content).
  if (source.replace(/^\s*#.*$/gm, "").trim()) {
    try {
      raw = parseYaml(source, { filename: REPO_CONFIG_FILE }) ?? {};
    } catch (e) {
      return { ok: false, error: `not valid YAML: ${(e as Error).message.split("\n")[0]}` };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: describe(parsed.error.issues[0]!) };
  const { exclude = [], contexts = [], disable = [] } = parsed.data;

  const exclusions = exclude.map((e) => ({ ...e, matches: pathMatcher([e.path]) }));
  const overrides = contexts.map((c) => ({ ...c, matches: pathMatcher([c.path]) }));
  const off = disable.map((d) => ({ ...d, isCheck: picomatch(d.check), matches: pathMatcher(d.paths) }));
  return {
    ok: true,
    config: {
      summary: {
        exclusions: exclude.map((e) => ({ path: e.path, reason: e.reason })),
        contextOverrides: contexts.map((c) => ({ path: c.path, context: c.context })),
        disabledChecks: disable.map((d) => ({ check: d.check, paths: d.paths, reason: d.reason })),
      },
      excluded: (path) => exclusions.find((e) => e.matches(path))?.reason,
      // The last matching entry wins, so a general rule can be followed by its exceptions.
      contextOf: (path) => overrides.findLast((c) => c.matches(path))?.context,
      disabled: (id, path) => off.some((d) => d.isCheck(id) && d.matches(path)),
    },
  };
}

/** The checks among `ids` each disable entry names; an entry naming none is almost always a typo. */
export function unmatchedDisableEntries(config: RepoConfig, ids: readonly string[]): string[] {
  return config.summary.disabledChecks.flatMap((d, i) =>
    ids.some((id) => picomatch.isMatch(id, d.check)) ? [] : [`disable[${i}].check: '${d.check}' names no check`],
  );
}

export interface LoadedRepoConfig {
  config: RepoConfig;
  /** Set when the root has a .posture.yaml, valid or not (then empty: the scan goes on with defaults). */
  summary?: RepoConfigSummary;
  error?: string;
}

const noSummary = (): RepoConfigSummary => ({ exclusions: [], contextOverrides: [], disabledChecks: [] });

/** Reads `.posture.yaml` from a scan root. Never throws: a file that cannot be used is an error and the defaults. */
export function readRepoConfig(root: string): LoadedRepoConfig {
  const file = join(root, REPO_CONFIG_FILE);
  let text: string;
  try {
    const st = lstatSync(file);
    // A link could point anywhere on the scanning machine; the configuration must be the repository's own.
    if (st.isSymbolicLink()) return { config: EMPTY_REPO_CONFIG, summary: noSummary(), error: "is a symbolic link; not read" };
    if (!st.isFile()) return { config: EMPTY_REPO_CONFIG, summary: noSummary(), error: "is not a file" };
    if (st.size > MAX_REPO_CONFIG_BYTES)
      return { config: EMPTY_REPO_CONFIG, summary: noSummary(), error: `larger than ${MAX_REPO_CONFIG_BYTES} bytes` };
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { config: EMPTY_REPO_CONFIG };
    return { config: EMPTY_REPO_CONFIG, summary: noSummary(), error: `cannot read (${code ?? "error"})` };
  }
  const parsed = parseRepoConfig(text);
  return parsed.ok
    ? { config: parsed.config, summary: parsed.config.summary }
    : { config: EMPTY_REPO_CONFIG, summary: noSummary(), error: parsed.error };
}
