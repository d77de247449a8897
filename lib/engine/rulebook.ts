import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { load as parseYaml } from "js-yaml";
import { z } from "zod";
import { valid as validVersion } from "@renovatebot/pep440";
import { CODE_CONTEXTS, FRAMEWORKS, SEVERITIES, type CodeContext } from "./types.ts";
import { artifactCheckIssue, isArtifactMatch, kerasMatchSchema, pickleMatchSchema } from "./artifacts/checks.ts";
import { advisoryFiles, loadAdvisories, type Advisory } from "./advisory-set.ts";
import { DomainError } from "../errors.ts";

/** A policy file is a few hundred lines; anything near this is a mistake, not a policy. */
const MAX_POLICY_BYTES = 1024 * 1024;

/** Rule files end with this suffix; fixture files next to them never do. */
export const POLICY_SUFFIX = ".policy.yaml";
/** A policy's fixtures live beside it in `<policy>.fixtures/`. */
export const FIXTURES_SUFFIX = ".fixtures";

const metavarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "metavariable names are UPPER_CASE");

/** Numeric bounds applied to a captured metavariable after ast-grep matched (ast-grep cannot compare numbers). */
const numericBound = z
  .object({ gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "give at least one of gt, gte, lt, lte");

// ast-grep rule objects are validated by ast-grep itself when compiled (see compileChecks).
const astGrepRule = z.record(z.string(), z.unknown());

/**
 * A data-flow check (lib/engine/taint.ts): values matched by a source reach a sink inside one function (or
 * through one module-local helper) without passing a sanitizer or a guard. Each entry is an ast-grep rule.
 */
const taintSpec = z
  .object({
    /** Expressions an attacker controls, or parameters (a source matched inside a parameter list taints it). */
    sources: z.array(astGrepRule).min(1),
    /** Where a tainted value does harm; a sink binding $SINK needs that part tainted, else any argument. */
    sinks: z.array(astGrepRule).min(1),
    /** Expressions whose value is safe whatever goes in (basename, int(), shlex.quote, a pydantic model). */
    sanitizers: z.array(astGrepRule).optional(),
    /** Statements after which the variable bound to $X is safe (allow-list checks that raise or return). */
    guards: z.array(astGrepRule).optional(),
    /** Report only values that reach the sink through a module-local helper: the direct cases are another check's. */
    throughHelpersOnly: z.boolean().optional(),
    /**
     * A source that interpolates only values the code wrote itself (literals, names bound only to them, temp
     * directories, core counts: lib/engine/constant-values.ts) is not reported: a command built from constants
     * carries no outsider's text.
     */
    constantsAreSafe: z.boolean().optional(),
    /** Where the finding sits: the sink (default) or the source, when the source is the line to change. */
    reportAt: z.enum(["sink", "source"]).optional(),
  })
  .strict();

const astGrepMatch = z
  .object({
    language: z.enum(["python", "yaml"]),
    /** A pattern check: every node the rule matches is a finding. Give this or `taint`. */
    rule: astGrepRule.optional(),
    taint: taintSpec.optional(),
    constraints: z.record(metavarName, astGrepRule).optional(),
    utils: z.record(z.string(), astGrepRule).optional(),
    where: z.record(metavarName, numericBound).optional(),
    /** Metavariables whose text is a secret: masked in snippet and message. */
    redact: z.array(metavarName).optional(),
    /** Report the range of this metavariable instead of the whole match. */
    report: metavarName.optional(),
  })
  .strict();

const regexSource = z.string().superRefine((src, ctx) => {
  try {
    new RegExp(src, "u");
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `invalid regular expression: ${(e as Error).message}` });
  }
});

/** A prefilter needle: a literal, or a regular expression over the whole file text. */
const needle = z.union([z.string().min(1), z.object({ regex: regexSource, ignoreCase: z.boolean().optional() }).strict()]);
export type Needle = z.infer<typeof needle>;

/** A regex needle as the engine runs it: on the whole text, ^ and $ at line breaks. */
export function needleRegExp(n: Exclude<Needle, string>): RegExp {
  return new RegExp(n.regex, n.ignoreCase ? "imu" : "mu");
}

/** The regular-expression needles of a check's prefilter. */
export function prefilterRegexes(prefilter: CheckSpec["prefilter"]): Exclude<Needle, string>[] {
  if (!prefilter) return [];
  const needles = Array.isArray(prefilter) ? prefilter : [...(prefilter.all ?? []).flat(), ...(prefilter.any ?? [])];
  return needles.filter((n): n is Exclude<Needle, string> => typeof n !== "string");
}

const regexMatch = z
  .object({
    language: z.literal("regex"),
    /** Tested against each line on its own, so a match never spans lines and work stays linear in file size. */
    pattern: regexSource,
    ignoreCase: z.boolean().default(false),
    /** If this pattern matches any line of the file, the check reports nothing for that file. */
    unless: regexSource.optional(),
    /** Named capture groups whose text is a secret. */
    redact: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional(),
    /**
     * Shell and Dockerfile commands run on over lines ending in a backslash: test the joined command (reported at
     * the line the match starts on), so `curl ... \` + `| sh` is one command, as the shell reads it.
     */
    joinContinuations: z.boolean().default(false),
  })
  .strict();

/**
 * A check of the repository's dependency declarations against the rulebook's advisory set (rules/advisories/,
 * lib/engine/advisories.ts): run once per scan, not per file. A finding is at its advisory's severity, at most the
 * check's.
 */
const advisoriesMatch = z
  .object({
    language: z.literal("advisories"),
    /** pinned: a declaration of one version (==, ===, a lock file) that an advisory affects; range: a declaration
     * (a range, or no bound) that admits affected versions. */
    versions: z.enum(["pinned", "range"]),
    /** Only advisories at least this severe. */
    minSeverity: z.enum(SEVERITIES).optional(),
  })
  .strict();

const prefilterSpec = z.union([
  z.array(needle).min(1),
  z
    .object({
      all: z
        .array(z.union([needle, z.array(needle).min(1)]))
        .min(1)
        .optional(),
      any: z.array(needle).min(1).optional(),
    })
    .strict()
    .refine((p) => p.all || p.any, "give all, any or both"),
]);

/** A condition on the other files of the repository: an ast-grep rule over the files matching the globs. */
const conditionFiles = z.array(z.string().min(1)).min(1);
/**
 * Where a repository condition looks: an ast-grep rule over Python or YAML files, or, for plain-text formats
 * (TorchServe's config.properties, .env files), a regular expression tested on each line whose named group is the
 * captured value.
 */
const repositoryCondition = z.discriminatedUnion("language", [
  z.object({
    files: conditionFiles,
    language: z.enum(["python", "yaml"]),
    rule: astGrepRule,
    utils: z.record(z.string(), astGrepRule).optional(),
    captured: metavarName.optional(),
  }),
  z.object({
    files: conditionFiles,
    language: z.literal("regex"),
    pattern: regexSource,
    ignoreCase: z.boolean().default(false),
    captured: metavarName.optional(),
  }),
]);

const checkSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)+$/, "ids are dotted lower-case words, e.g. modal.function.trust-remote-code"),
    severity: z.enum(SEVERITIES),
    /**
     * The severity where the finding's code is not production code (lib/engine/context.ts), e.g. a placeholder
     * credential in a test is low: `contextSeverity: { test: low, docs: low }`. Unlisted contexts keep `severity`.
     */
    contextSeverity: z
      .partialRecord(
        z.enum(
          CODE_CONTEXTS.filter((c) => c !== "production") as [Exclude<CodeContext, "production">, ...Exclude<CodeContext, "production">[]],
        ),
        z.enum(SEVERITIES),
      )
      .refine(
        (o) => Object.keys(o).length > 0,
        `give the severity of at least one of ${CODE_CONTEXTS.filter((c) => c !== "production").join(", ")} (production is the check's severity)`,
      )
      .optional(),
    /**
     * Code contexts where the check reports nothing at all: a missing timeout, rate limit or resource limit in a
     * test or the docs is no risk to anyone (`notIn: [test, docs]`); a lower severity (contextSeverity) is for what
     * still matters there, such as a real credential in a test.
     */
    notIn: z
      .array(
        z.enum(
          CODE_CONTEXTS.filter((c) => c !== "production") as [Exclude<CodeContext, "production">, ...Exclude<CodeContext, "production">[]],
        ),
      )
      .min(1)
      .optional(),
    message: z.string().min(1),
    files: z.array(z.string().min(1)).min(1),
    /**
     * The risk this check reports, when other checks (another framework's, or the framework-neutral ml-serving
     * policy's) can report the same risk: at one location only one finding per concern is kept (see finalizeFile).
     */
    concern: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "a concern is a lower-case kebab-case word, e.g. trust-remote-code")
      .optional(),
    /**
     * A condition on the scanned repository, tested per match: the match is reported only when `dependency` can be
     * installed below `mayBeBelow` for its file (lib/engine/dependencies.ts), e.g. torch.load's unsafe default
     * before torch 2.6. With `captured`, only matches that bound that metavariable (or regex group) are subject to
     * it and the rule's other alternatives are reported regardless; `message` replaces the check's message for the
     * matches subject to it, and {{DEPENDENCY}} there names what decided ("torch>=1.9 in requirements.txt").
     */
    when: z
      .object({
        dependency: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, "a Python package name, e.g. torch"),
        // YAML reads an unquoted 2.10 as the number 2.1, so the version must be a string.
        mayBeBelow: z
          .string({ error: 'a PEP 440 version in quotes, e.g. "2.6"' })
          .refine((v) => validVersion(v) !== null, 'a PEP 440 version in quotes, e.g. "2.6"'),
        captured: metavarName.optional(),
        message: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /**
     * Another file of the repository can settle the match: each match of `rule` (ast-grep, in `language`) in a file
     * of the repository matching `files` declares a value of its metavariable `captured`, and a match of this check
     * whose `captured` has one of those values is not reported, e.g. a Serve deployment without ray_actor_options in
     * its decorator whose name a Serve config file gives them (lib/engine/declared.ts). Without `captured`, any
     * match of `rule` in those files settles every match of the check (the repository authenticates somewhere).
     * Tested only when the check matched; `scanText` (one file, no repository) reports the match.
     */
    unlessDeclared: repositoryCondition.optional(),
    /**
     * The other way round: the match is reported only when some file of the repository matching `files` has a match
     * of `rule`, e.g. a published container port counts where the repository's code serves a web API. With
     * `captured`, only when some match declares the value the check's match bound (a compose port that the
     * repository's config.properties names as TorchServe's management port).
     */
    ifDeclared: repositoryCondition.optional(),
    /**
     * The match is a call that loads a model file (pickle.load, torch.load, joblib.load...): the path its argument
     * names (a literal, or a path built from literals) links the finding to the model-file findings at that path
     * (lib/engine/artifact-links.ts), so the code and the file it loads are seen together.
     */
    loadsModelFile: z.boolean().optional(),
    /**
     * A credential check drops a match whose secrets are all stand-ins (isPlaceholderSecret): `changeme` as an
     * OpenAI key's fallback is no key. Where the capture `captured` matches `regex` (case-insensitive), the secret
     * is one the program itself checks or signs with (a password, a JWT or session secret): there the stand-in is
     * the value such a deployment runs with, as well known as any other, and the match is reported.
     */
    placeholdersCount: z.object({ captured: metavarName, regex: regexSource }).strict().optional(),
    /**
     * Cheap text pre-filter, tested before any parsing: a list means "contains any of these"; an object can also
     * require all of a list, where an entry that is itself a list is satisfied by any of its needles (e.g.
     * all: [modal, [environ, getenv]]). A needle is a literal string, or {regex: ...} tested on the whole text
     * (multi-line mode: ^ and $ match at line breaks). It must hold for every file the check can match.
     */
    prefilter: prefilterSpec.optional(),
    /**
     * A data-flow check's sink side of its prefilter: text a file must hold for a sink to be in it. A file the
     * prefilter selects without it is still checked when a repository module it imports holds it (the sink may
     * sit in that module's helper), and such modules are parsed for their helpers.
     */
    sinkPrefilter: prefilterSpec.optional(),
    match: z.discriminatedUnion("language", [
      astGrepMatch.extend({ language: z.literal("python") }),
      astGrepMatch.extend({ language: z.literal("yaml") }),
      pickleMatchSchema,
      kerasMatchSchema,
      regexMatch,
      advisoriesMatch,
    ]),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A match keeps the metavariables its message names; the declared value is compared with one of them.
    for (const which of ["unlessDeclared", "ifDeclared"] as const) {
      const captured = c[which]?.captured;
      if (captured && !c.message.includes(`{{${captured}}}`))
        ctx.addIssue({
          code: "custom",
          path: [which, "captured"],
          message: `the message must name {{${captured}}}: a match keeps only the metavariables its message uses`,
        });
    }
    // Model-file checks (lib/engine/artifacts/checks.ts) have no rule and none of the text-file options.
    if (isArtifactMatch(c.match)) {
      const issue = artifactCheckIssue(c);
      if (issue) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
      return;
    }
    if (c.match.language === "regex" || c.match.language === "advisories") return;
    const m = c.match;
    if (!m.rule === !m.taint)
      ctx.addIssue({ code: "custom", path: ["match"], message: "give either rule (a pattern check) or taint (a data-flow check)" });
    if (m.taint && m.language !== "python")
      ctx.addIssue({ code: "custom", path: ["match", "taint"], message: "taint checks are for Python" });
    if (c.sinkPrefilter && !m.taint)
      ctx.addIssue({ code: "custom", path: ["sinkPrefilter"], message: "sinkPrefilter is for data-flow (taint) checks" });
  });

const reference = z
  .string()
  .regex(
    /^(CWE-\d+|OWASP [A-Z0-9:]+|MITRE ATLAS [A-Z0-9.]+)$/,
    "references look like CWE-502, OWASP A01:2025, OWASP LLM04 or MITRE ATLAS AML.T0010",
  );

export const policySchema = z
  .object({
    policy: z.string().min(1),
    framework: z.enum(FRAMEWORKS),
    level: z.enum(["strict", "critical", "warning", "advisory"]),
    references: z.array(reference).min(1),
    why: z.string().min(1),
    remediation: z.string().min(1),
    checks: z.array(checkSchema).min(1),
  })
  .strict();

export type PolicyFile = z.infer<typeof policySchema>;
export type CheckSpec = z.infer<typeof checkSchema>;

export interface Check extends CheckSpec {
  policy: string;
  framework: PolicyFile["framework"];
  /** The policy file it came from, for error messages. */
  source: string;
  /** A check whose match is `advisories`: the rulebook's advisory set, given by loadRulebook. */
  advisories?: Advisory[];
}

export interface Policy extends Omit<PolicyFile, "checks"> {
  /** Path of the policy file relative to the rules directory. */
  file: string;
  checks: Check[];
}

export interface Rulebook {
  policies: Policy[];
  checks: Check[];
  /** Content hash of every policy file: a rescan is only skippable when this is unchanged. */
  version: string;
  /** Set when the rulebook came from a RulebookCache entry, i.e. was already validated and compiled once. */
  cached?: true;
}

/**
 * Where a command-line process keeps rulebooks it has parsed, validated and compiled, by content: parsing and
 * validating the YAML takes longer than scanning a small repository. Best effort: a cache that cannot be read
 * or written is ignored.
 */
export interface RulebookCache {
  dir: string;
  /** Whatever else the entry depends on, e.g. the versions of the ast-grep packages that compiled its rules. */
  salt: string;
}

/** The operator's rulebook is wrong: the CLI and the worker say where; a web client only gets "something went wrong". */
export class RulebookError extends DomainError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super("invalid_rulebook", `${file}: ${detail}`, { status: 500 });
    this.name = "RulebookError";
  }
}

function listPolicyFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      // Fixture directories hold only test inputs (hundreds of files); every command loads the rulebook.
      if (entry.isDirectory()) {
        if (!entry.name.endsWith(FIXTURES_SUFFIX)) visit(p);
      } else if (entry.isFile() && entry.name.endsWith(POLICY_SUFFIX)) out.push(p);
    }
  };
  visit(dir);
  return out.sort();
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
  return `${where}: ${issue.message}`;
}

/** Parses and validates one policy file's text. Throws RulebookError naming the file and the offending field. */
export function parsePolicy(text: string, file: string): Policy {
  let raw: unknown;
  if (text.length > MAX_POLICY_BYTES) throw new RulebookError(file, `larger than ${MAX_POLICY_BYTES} bytes`);
  try {
    raw = parseYaml(text, { filename: file });
  } catch (e) {
    throw new RulebookError(file, `not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) throw new RulebookError(file, describeIssue(parsed.error.issues[0]!));
  const p = parsed.data;
  return {
    ...p,
    file,
    checks: p.checks.map((c) => ({ ...c, policy: p.policy, framework: p.framework, source: file })),
  };
}

/** Loads every `*.policy.yaml` below `dir`. Check ids must be unique across the rulebook. */
export function loadRulebook(dir: string, cache?: RulebookCache): Rulebook {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    files = listPolicyFiles(dir);
  } catch (e) {
    throw new RulebookError(dir, `cannot read rules directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (files.length === 0) throw new RulebookError(dir, `no ${POLICY_SUFFIX} files found`);

  const hash = createHash("sha256");
  for (const u of utilFiles(dir, files))
    hash.update(relative(dir, u).split(sep).join("/")).update("\0").update(readFileSync(u, "utf8")).update("\0");
  const advisories = advisoryFiles(dir);
  for (const a of advisories)
    hash
      .update(a)
      .update("\0")
      .update(readFileSync(join(dir, a), "utf8"))
      .update("\0");
  const texts = files.map((abs) => {
    const rel = relative(dir, abs).split(sep).join("/");
    const text = readFileSync(abs, "utf8");
    hash.update(rel).update("\0").update(text).update("\0");
    return { abs, rel, text };
  });
  const version = hash.digest("hex").slice(0, 16);
  const entry = cache && cacheEntry(cache, dir, version);
  if (entry) {
    try {
      const policies = JSON.parse(readFileSync(/*turbopackIgnore: true*/ entry, "utf8")) as Policy[];
      if (!Array.isArray(policies)) throw new Error("not a rulebook");
      return { policies, checks: policies.flatMap((p) => p.checks), version, cached: true };
    } catch {
      // missing or unreadable: parse the files
    }
  }

  const shared = loadSharedUtils(dir, files);
  const policies: Policy[] = [];
  const seen = new Map<string, string>();
  for (const { abs, rel, text } of texts) {
    const policy = withSharedUtils(parsePolicy(text, abs), shared.for(abs));
    for (const c of policy.checks) {
      const other = seen.get(c.id);
      if (other) throw new RulebookError(abs, `checks: duplicate check id ${c.id} (also in ${other})`);
      seen.set(c.id, abs);
    }
    policies.push({ ...policy, file: rel });
  }
  const checks = policies.flatMap((p) => p.checks);
  if (checks.some((c) => c.match.language === "advisories")) {
    const set = loadAdvisories(dir, advisories);
    for (const c of checks) if (c.match.language === "advisories") c.advisories = set;
  }
  return { policies, checks, version };
}

/**
 * Shared utility rules, as ast-grep's utilDirs: `rules/utils.yaml` for every policy and `rules/<dir>/utils.yaml`
 * for the policies of one framework directory, each `{ utils: { name: rule } }`. A check sees them as its own
 * `utils` (its own win on a name clash), so a helper repeated across policies is written, and changed, once.
 */
export const UTILS_FILE = "utils.yaml";
const utilsSchema = z.object({ utils: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, "util names are kebab-case"), astGrepRule) }).strict();

function utilFiles(dir: string, policyFiles: readonly string[]): string[] {
  const dirs = new Set([dir, ...policyFiles.map((f) => dirname(f))]);
  return [...dirs]
    .map((d) => join(d, UTILS_FILE))
    .filter((f) => existsSync(f))
    .sort();
}

function loadSharedUtils(dir: string, policyFiles: readonly string[]) {
  const byDir = new Map<string, Record<string, unknown>>();
  for (const file of utilFiles(dir, policyFiles)) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, "utf8"), { filename: file });
    } catch (e) {
      throw new RulebookError(file, `not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    const parsed = utilsSchema.safeParse(raw);
    if (!parsed.success) throw new RulebookError(file, describeIssue(parsed.error.issues[0]!));
    byDir.set(dirname(file), parsed.data.utils);
  }
  const global = byDir.get(dir) ?? {};
  return { for: (policyFile: string) => ({ ...global, ...(dirname(policyFile) === dir ? {} : byDir.get(dirname(policyFile))) }) };
}

/** Gives each ast-grep check the shared utils its rules refer to (transitively), and no others: every util costs compile time. */
function withSharedUtils(policy: Policy, shared: Record<string, unknown>): Policy {
  if (Object.keys(shared).length === 0) return policy;
  const usedBy = (roots: unknown[], own: Record<string, unknown>) => {
    const used: Record<string, unknown> = {};
    const pending = [...referencedUtils([...roots, own])];
    while (pending.length) {
      const name = pending.pop()!;
      if (name in own || name in used || !(name in shared)) continue;
      used[name] = shared[name];
      pending.push(...referencedUtils([shared[name]]));
    }
    return used;
  };
  const checks = policy.checks.map((c): Check => {
    // a repository condition's rule is compiled on its own, so it gets the shared utils it refers to, as a match does
    const withUtils = <T extends { language: string; rule?: unknown; utils?: Record<string, unknown> }>(
      d: T | undefined,
    ): T | undefined => {
      if (!d || d.language === "regex") return d;
      const used = usedBy([d.rule], d.utils ?? {});
      return Object.keys(used).length ? { ...d, utils: { ...used, ...d.utils } } : d;
    };
    const withDeclared: Check =
      c.unlessDeclared || c.ifDeclared
        ? ({ ...c, unlessDeclared: withUtils(c.unlessDeclared), ifDeclared: withUtils(c.ifDeclared) } as Check)
        : c;
    if (isArtifactMatch(c.match)) return withDeclared;
    if (c.match.language === "regex" || c.match.language === "advisories") return withDeclared;
    const own = c.match.utils ?? {};
    const used = usedBy([c.match.rule, c.match.taint, c.match.constraints], own);
    if (Object.keys(used).length === 0) return withDeclared;
    return { ...withDeclared, match: { ...c.match, utils: { ...used, ...own } } as Check["match"] };
  });
  return { ...policy, checks };
}

export function referencedUtils(values: unknown[]): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        if (k === "matches" && typeof x === "string") out.add(x);
        else visit(x);
      }
  };
  values.forEach(visit);
  return out;
}

/** Records a rulebook loaded with the same `dir` and `cache` once its checks have compiled. */
export function saveRulebook(rulebook: Rulebook, dir: string, cache: RulebookCache): void {
  if (rulebook.cached) return;
  const entry = cacheEntry(cache, dir, rulebook.version);
  if (!entry) return;
  try {
    mkdirSync(cache.dir, { recursive: true });
    const tmp = `${entry}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(rulebook.policies));
    renameSync(tmp, entry);
    // Every rules directory and edit makes an entry; keep the most recent few.
    const old = readdirSync(cache.dir)
      .filter((f) => /^rulebook-[0-9a-f]+\.json$/.test(f))
      .map((f) => ({ path: join(cache.dir, f), mtime: statSync(join(cache.dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime)
      .slice(MAX_CACHED_RULEBOOKS);
    for (const o of old) rmSync(o.path, { force: true });
  } catch {
    // a read-only checkout still scans, only without the cache
  }
}

const MAX_CACHED_RULEBOOKS = 16;

let engineSource: string | null | undefined;

function cacheEntry(cache: RulebookCache, dir: string, version: string): string | undefined {
  // A cached rulebook is only as good as the code that validated it: key it by this module's source and types'.
  if (engineSource === undefined) {
    try {
      engineSource = ["./rulebook.ts", "./types.ts", "./advisory-set.ts"]
        .map((f) => readFileSync(fileURLToPath(new URL(f, import.meta.url)), "utf8"))
        .join("\0");
    } catch {
      engineSource = null;
    }
  }
  if (engineSource === null) return undefined;
  const key = createHash("sha256")
    .update([resolve(dir), version, cache.salt, engineSource].join("\0"))
    .digest("hex")
    .slice(0, 32);
  return join(cache.dir, `rulebook-${key}.json`);
}
