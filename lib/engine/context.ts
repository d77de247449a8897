/**
 * What a file is for: the code context every finding carries. Pure: decided from the path (relative to the scan
 * root, "/" separators), the file's text and what the repository's CI configuration runs; no file system.
 *
 * The conventions are those GitHub code scanning and Semgrep use to tell shipped code from tests, docs and
 * tooling (test/ and test_*.py, docs/ and *.md, .github/ and friends), plus the ML-serving ones: notebooks and
 * cookbooks are examples, load and benchmark harnesses (locustfile.py, benchmarks/) are test code.
 */
import type { CodeContext } from "./types.ts";

/** Directory names that say what everything below them is for (compared lower-case). */
const DIRECTORY_CONTEXT: Record<string, CodeContext> = Object.fromEntries([
  ...[
    "tests",
    "test",
    "testing",
    "__tests__",
    "e2e",
    "integration_tests",
    "unit_tests",
    "fixtures",
    "__fixtures__",
    "mocks",
    "__mocks__",
    "testdata",
    "test_data",
    "test-data",
    "benchmarks",
    "benchmark",
    "bench",
    "loadtest",
    "loadtests",
    "load_test",
    "load_tests",
    "locust",
    "stress",
    "stress_test",
    "stress_tests",
    "perf_tests",
  ].map((d) => [d, "test"]),
  ...[
    "examples",
    "example",
    "samples",
    "sample",
    "tutorials",
    "tutorial",
    "demos",
    "demo",
    "notebooks",
    "notebook",
    "cookbook",
    "cookbooks",
    "quickstart",
    "quickstarts",
  ].map((d) => [d, "example"]),
  ...["docs", "doc", "documentation", "docs_src"].map((d) => [d, "docs"]),
  ...[".github", ".gitlab", ".circleci", "ci", ".ci", ".buildkite", ".azure-pipelines", ".devcontainer", ".husky"].map((d) => [d, "build"]),
  // GitHub Linguist's vendored paths, the ones Python and ML repositories use.
  ...["vendor", "vendored", "_vendor", "third_party", "thirdparty", "3rdparty", "site_packages", "node_modules"].map((d) => [
    d,
    "vendored",
  ]),
] as [string, CodeContext][]);

/** Directory names compare lower-case with "-" read as "_" (load-test/ is load_test/, third-party/ third_party/). */
const dirKey = (d: string) => d.toLowerCase().replace(/-/g, "_");

/** File names (lower-case) that are CI or tooling configuration wherever they sit. */
const BUILD_FILES = new Set([
  ".gitlab-ci.yml",
  ".gitlab-ci.yaml",
  "azure-pipelines.yml",
  "azure-pipelines.yaml",
  "jenkinsfile",
  ".pre-commit-config.yaml",
  "noxfile.py",
  "tox.ini",
  "bitbucket-pipelines.yml",
  ".travis.yml",
  "appveyor.yml",
  "cloudbuild.yaml",
  "cloudbuild.yml",
]);

const TEST_FILE =
  /^(test_.+\.(py|sh|bash)|.+_test\.(py|sh|bash)|.+_tests\.py|tests?\.py|conftest\.py|locustfile\.py|mock_.+\.py|.+_mock\.py|.+\.test\.[jt]sx?|.+\.spec\.[jt]sx?)$/;
const DOCS_FILE = /\.(md|markdown|rst|adoc|asciidoc)$/;
/** Notebooks, and templates to copy such as .env.example or config.sample.yaml. */
const EXAMPLE_FILE = /\.ipynb$|\.(example|sample)(\.[a-z0-9]+)?$/;
/** A helper in a scripts/tools directory named for release, lint or formatting work is tooling, not service code. */
const TOOL_DIRS = new Set(["scripts", "script", "tools", "tool", "dev", "hack"]);
const TOOL_NAME =
  /^(release|publish|bump|changelog|lint|format|fmt|check_|verify_|validate_|update_|generate_|gen_|build_docs|docs_|ci_|precommit|pre_commit|sync_version|version)[a-z0-9_-]*\.(py|sh|bash)$/;

/** A Python module that imports a test framework is test code wherever it lives (a helper module of a test suite). */
const IMPORTS_TEST_FRAMEWORK =
  /^[ \t]*(?:import[ \t]+(?:pytest|unittest)\b|from[ \t]+(?:pytest|unittest)(?:\.[A-Za-z_.]+)?[ \t]+import\b)/m;

export interface ContextHints {
  /** Scripts that CI configuration runs and nothing that ships (Dockerfiles, Procfiles, compose files) does. */
  ciOnlyScripts?: ReadonlySet<string>;
  /** Directories holding a copy of another project (vendoredDirs), and the repository's linguist-vendored paths. */
  vendored?: (path: string) => boolean;
}

/**
 * The context of one file. A file's own name speaks first (README.md is docs, test_app.py is a test, a notebook is
 * an example), then a test directory anywhere above it, else the nearest directory that names a purpose
 * (docs/examples/x.py is an example),
 * then what runs it (a script only CI runs is build), then its imports. Everything else is production. Vendored
 * code (third_party/, a nested copy of another project, linguist-vendored paths) comes after tests only.
 */
export function codeContext(path: string, text?: string, hints: ContextHints = {}): CodeContext {
  const parts = path.split("/");
  const name = parts.at(-1)!.toLowerCase();
  if (DOCS_FILE.test(name)) return "docs";
  if (EXAMPLE_FILE.test(name)) return "example";
  if (TEST_FILE.test(name)) return "test";
  if (BUILD_FILES.has(name)) return "build";
  const dirs = parts.slice(0, -1).map((d) => DIRECTORY_CONTEXT[dirKey(d)]);
  // Below a test directory everything serves the tests, whatever its shape (tests/e2e/fixtures/quickstart/).
  if (dirs.includes("test")) return "test";
  // A copy of another project is that project's code whatever its folders say (a vendored yolov7's train.py).
  if (dirs.includes("vendored") || hints.vendored?.(path)) return "vendored";
  const nearest = dirs.findLast((c) => c !== undefined);
  if (nearest) return nearest;
  if (hints.ciOnlyScripts?.has(path)) return "build";
  if (parts.length > 1 && TOOL_DIRS.has(parts.at(-2)!.toLowerCase()) && TOOL_NAME.test(name)) return "build";
  if (text !== undefined && name.endsWith(".py") && IMPORTS_TEST_FRAMEWORK.test(text)) return "test";
  return "production";
}

/** CI configuration files, whose text says which scripts CI runs. */
export function isCiConfig(path: string): boolean {
  const lower = path.toLowerCase();
  const name = lower.split("/").at(-1)!;
  return (
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(lower) ||
    /^\.github\/actions\/.+\.ya?ml$/.test(lower) ||
    /^\.circleci\/[^/]+\.ya?ml$/.test(lower) ||
    /^\.buildkite\/.+\.ya?ml$/.test(lower) ||
    /^\.gitlab\/.+\.ya?ml$/.test(lower) ||
    BUILD_FILES.has(name)
  );
}

/** Files that start what ships: if one of them names a script, the script is not CI-only. */
export function isLauncher(path: string): boolean {
  const name = path.toLowerCase().split("/").at(-1)!;
  return /^(dockerfile|containerfile)(\..+)?$|\.dockerfile$|^procfile$|^(docker-)?compose(\..+)?\.ya?ml$|^entrypoint(\.sh)?$|^supervisord\.conf$|^pyproject\.toml$/.test(
    name,
  );
}

const SCRIPT_PATH = /(?:\.\/)?((?:[A-Za-z0-9_.-]+\/)*[A-Za-z0-9_.-]+\.(?:py|sh|bash))\b/g;
const PYTHON_MODULE = /-m[ \t]+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

/** Script paths a configuration text mentions, as paths from the repository root ("python -m tools.lint" too). */
function mentionedScripts(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(SCRIPT_PATH)) out.add(m[1]!.replace(/^(\.\/)+/, ""));
  for (const m of text.matchAll(PYTHON_MODULE)) out.add(`${m[1]!.replace(/\./g, "/")}.py`);
  return out;
}

/**
 * The scripts among `files` that CI configuration mentions and no launcher does: a release or lint helper that a
 * workflow runs is tooling, but a script a Dockerfile also runs ships.
 */
export function ciOnlyScripts(ci: readonly string[], launchers: readonly string[], files: readonly string[]): Set<string> {
  const byCi = new Set(ci.flatMap((t) => [...mentionedScripts(t)]));
  const shipped = new Set([
    ...launchers.flatMap((t) => [...mentionedScripts(t)]),
    // A workflow that deploys or serves a script ships it: `modal deploy -m src.app` is the service, not tooling.
    ...ci.flatMap((t) => [
      ...mentionedScripts(
        t
          .split("\n")
          .filter((l) => DEPLOYS.test(l))
          .join("\n"),
      ),
    ]),
  ]);
  return new Set(files.filter((f) => byCi.has(f) && !shipped.has(f)));
}

/** A CI line that deploys, serves or packages what it names (the ML-serving platforms' CLIs, images, clusters). */
const DEPLOYS =
  /\b(?:modal[ \t]+(?:deploy|serve|run)|serve[ \t]+(?:deploy|run|build)|bentoml[ \t]+(?:build|serve|deploy|containerize)|torchserve[ \t]+--start|torch-model-archiver|ray[ \t]+(?:job[ \t]+submit|start|up)|kubectl[ \t]+(?:apply|create|replace)|helm[ \t]+(?:install|upgrade)|docker[ \t]+(?:build|push)|(?:gcloud|az|aws|sam|cdk|fly|vercel)[ \t]+(?:[a-z-]+[ \t]+)*deploy)\b/;

const LICENSE_FILE = /^(?:licen[cs]e|copying)(?:\.(?:md|txt|rst))?$/i;

/** License files, whose folders may hold a copy of another project (vendoredDirs). */
export function isLicenseFile(path: string): boolean {
  return LICENSE_FILE.test(path.split("/").at(-1)!);
}

/**
 * Folders that hold a copy of another project: below the root, with a license file of their own that is not the
 * repository's (a vendored yolov7 with its GPL LICENSE.md; pytorch/serve's model-archiver/LICENSE, the root's
 * text again, is the project's own package). The outermost such folder counts.
 */
export function vendoredDirs(licenses: readonly { path: string; text: string }[]): Set<string> {
  const norm = (t: string) => t.replace(/\s+/g, " ").trim();
  const root = new Set(licenses.filter((l) => !l.path.includes("/")).map((l) => norm(l.text)));
  const dirs = licenses
    .filter((l) => l.path.includes("/") && !root.has(norm(l.text)))
    .map((l) => l.path.slice(0, l.path.lastIndexOf("/")))
    .sort((a, b) => a.length - b.length);
  const out = new Set<string>();
  for (const d of dirs) if (![...out].some((o) => d.startsWith(`${o}/`))) out.add(d);
  return out;
}

/** The paths a .gitattributes marks `linguist-vendored` (and not `-linguist-vendored` / `=false`), as globs. */
export function linguistVendored(gitattributes: string): string[] {
  const out: string[] = [];
  for (const line of gitattributes.split("\n")) {
    const [pattern, ...attrs] = line.trim().split(/\s+/);
    if (!pattern || pattern.startsWith("#")) continue;
    if (!attrs.some((a) => a === "linguist-vendored" || a === "linguist-vendored=true")) continue;
    const p = pattern.replace(/^\//, "");
    out.push(p.includes("/") ? p : `**/${p}`);
  }
  return out;
}
