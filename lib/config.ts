/**
 * The installation's settings from the environment: every variable Posture reads, its default and what a valid
 * value is, in one place (the README's Settings paragraph describes them). Parsed with zod once; a bad value is
 * a ConfigError that names the variable, so the worker (lib/worker/processors.ts), the web app
 * (lib/server/startup.ts) and the CLI stop at start and say which one, instead of failing a scan or a request.
 *
 * Functions that tests call with an environment of their own take `env`; everything else calls config().
 */
import { isIP } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DomainError } from "./errors.ts";

export type Env = Record<string, string | undefined>;

/** The rulebook shipped with Posture, rules/ in the checkout: the CLI's default and POSTURE_RULES_DIR's. */
// Not new URL("../rules", import.meta.url): the web app's bundler takes that for an asset to bundle.
export const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "rules");

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/posture";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_QUEUE_PREFIX = "posture";
export const DEFAULT_WORKER_CONCURRENCY = 2;
/** git's share of a scan: ls-remote and the clone. */
export const DEFAULT_CLONE_TIMEOUT_MS = 120_000;
/** The engine's share of a scan (git has its own limit): a repository that takes longer fails instead of holding a worker. */
export const DEFAULT_SCAN_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_MAX_REPO_BYTES = 500 * 1024 * 1024;

/** One entry of POSTURE_GIT_ALLOWED_NETWORKS. */
export interface Network {
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** The operator's to fix: the CLI and the worker say it, a web client only gets "something went wrong". */
export class ConfigError extends DomainError {
  constructor(
    /** The first variable with a bad value. */
    readonly variable: string,
    message: string,
  ) {
    super("invalid_config", message);
    this.name = "ConfigError";
  }
}

// `FOO= command` means "not set", as `process.env.FOO || default` read it before.
const blank = (v: unknown) => (v === "" ? undefined : v);

function wholeNumber(fallback: number, min: number, max: number, unit = "") {
  return z.preprocess(
    blank,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number${unit}, e.g. ${fallback}`)
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}${unit}`).max(max, `must be at most ${max}${unit}`))
      .default(fallback),
  );
}

/** On with 1, off with 0 or unset: anything else (yes, true, on) is refused rather than read as off. */
const flag = z.preprocess(
  blank,
  z
    .enum(["0", "1"], { message: "must be 1 (on) or 0 (off)" })
    .transform((v) => v === "1")
    .default(false),
);

const path = z.preprocess(blank, z.string().optional());

// A URL's value is never repeated in a message: it may carry a password.
function url(fallback: string, protocols: string[], example: string) {
  return z.preprocess(
    blank,
    z
      .string()
      .refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol), `must be a URL such as ${example}`)
      .default(fallback),
  );
}

function networks(value: string, ctx: z.RefinementCtx): Network[] {
  const out: Network[] = [];
  for (const entry of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    const family = m ? isIP(m[1]!) : 0;
    const prefix = m ? Number(m[2]) : NaN;
    if (!m || family === 0 || prefix > (family === 4 ? 32 : 128))
      ctx.addIssue({ code: "custom", message: `"${entry}" is not a network such as 10.20.0.0/16` });
    else out.push({ address: m[1]!, prefix, family: family === 4 ? "ipv4" : "ipv6" });
  }
  return out;
}

const schema = z
  .object({
    DATABASE_URL: url(DEFAULT_DATABASE_URL, ["postgresql:", "postgres:"], DEFAULT_DATABASE_URL),
    REDIS_URL: url(DEFAULT_REDIS_URL, ["redis:", "rediss:"], DEFAULT_REDIS_URL),
    /** Key prefix for every queue: one Redis can serve several Posture installations (and test runs). */
    POSTURE_QUEUE_PREFIX: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[^\s]{1,200}$/, "must be a word without spaces, e.g. posture")
        .default(DEFAULT_QUEUE_PREFIX),
    ),
    POSTURE_WORKER_CONCURRENCY: wholeNumber(DEFAULT_WORKER_CONCURRENCY, 1, 256),
    POSTURE_CLONE_TIMEOUT_MS: wholeNumber(DEFAULT_CLONE_TIMEOUT_MS, 1000, 24 * 3_600_000, " (milliseconds)"),
    POSTURE_SCAN_TIMEOUT_MS: wholeNumber(DEFAULT_SCAN_TIMEOUT_MS, 1000, 24 * 3_600_000, " (milliseconds)"),
    POSTURE_MAX_REPO_BYTES: wholeNumber(DEFAULT_MAX_REPO_BYTES, 1, Number.MAX_SAFE_INTEGER, " (bytes)"),
    POSTURE_RULES_DIR: path,
    POSTURE_ALLOW_LOCAL_REPOS: flag,
    POSTURE_LOCAL_REPOS_ROOT: path,
    POSTURE_DATA_DIR: path,
    POSTURE_GIT_ALLOWED_NETWORKS: z.preprocess(blank, z.string().default("")).transform(networks),
    POSTURE_TRUSTED_PROXY: flag,
    POSTURE_SECURE_COOKIES: flag,
    /** The dashboard's address as people reach it: the link in commit statuses and comments, and the webhook URL shown. */
    POSTURE_PUBLIC_URL: z.preprocess(
      blank,
      z
        .string()
        .refine(
          (v) =>
            URL.canParse(v) &&
            ["http:", "https:"].includes(new URL(v).protocol) &&
            !new URL(v).username &&
            !new URL(v).password &&
            !new URL(v).search &&
            !new URL(v).hash,
          "must be the dashboard's address, e.g. https://posture.example.com",
        )
        .transform((v) => v.replace(/\/+$/, ""))
        .optional(),
    ),
    // https://no-color.org: any value but the empty string.
    NO_COLOR: z
      .string()
      .optional()
      .transform((v) => Boolean(v)),
  })
  .transform((e) => ({
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.POSTURE_QUEUE_PREFIX,
    workerConcurrency: e.POSTURE_WORKER_CONCURRENCY,
    cloneTimeoutMs: e.POSTURE_CLONE_TIMEOUT_MS,
    scanTimeoutMs: e.POSTURE_SCAN_TIMEOUT_MS,
    maxRepoBytes: e.POSTURE_MAX_REPO_BYTES,
    /** POSTURE_RULES_DIR, else the shipped rulebook. */
    rulesDir: e.POSTURE_RULES_DIR ?? RULES_DIR,
    /** Local paths and file:// accepted as repositories (demos and tests only). */
    allowLocalRepos: e.POSTURE_ALLOW_LOCAL_REPOS,
    /** As set; lib/repos/url.ts resolves it, by default to the demo's folder. */
    localReposRoot: e.POSTURE_LOCAL_REPOS_ROOT,
    /** As set; lib/demo/dir.ts defaults it to .posture in the checkout. */
    dataDir: e.POSTURE_DATA_DIR,
    gitAllowedNetworks: e.POSTURE_GIT_ALLOWED_NETWORKS,
    trustedProxy: e.POSTURE_TRUSTED_PROXY,
    secureCookies: e.POSTURE_SECURE_COOKIES,
    /** No trailing slash; null when unset (statuses then carry no link). */
    publicUrl: e.POSTURE_PUBLIC_URL ?? null,
    noColor: e.NO_COLOR,
  }));

export type Config = z.output<typeof schema>;

const VARIABLES = Object.keys(schema.in.shape);

/** The settings in `env`, or a ConfigError naming each variable whose value is not valid. */
export function parseConfig(env: Env): Config {
  const picked = Object.fromEntries(VARIABLES.map((name) => [name, env[name]]));
  const parsed = schema.safeParse(picked);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  throw new ConfigError(String(parsed.error.issues[0]!.path[0]), issues.join("; "));
}

let cached: { key: string; config: Config } | undefined;

/**
 * The installation's settings: those of process.env, parsed on first use and kept, unless `env` is given. A
 * process's environment does not change, except in tests that set a variable for one case, so the kept result
 * is checked against the variables' current values (a string compare) and parsed again only when they differ.
 */
export function config(env?: Env): Config {
  if (env && env !== process.env) return parseConfig(env);
  const key = VARIABLES.map((name) => process.env[name] ?? "").join("\0");
  if (cached?.key !== key) cached = { key, config: parseConfig(process.env) };
  return cached.config;
}
