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
    "k6",
    "load_testing",
    "loadtesting",
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
    "playground",
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
/**
 * Words that name a directory's purpose as one part of a longer name (ts_examples/, example_app/, docs-next/,
 * integration_tests/). Only words no service would use as part of its own name: "test" or "sample" alone could be an
 * A/B-test service or a sampler.
 */
const PURPOSE_WORDS: Readonly<Record<string, CodeContext>> = {
  examples: "example",
  example: "example",
  samples: "example",
  demos: "example",
  demo: "example",
  tutorials: "example",
  tutorial: "example",
  notebooks: "example",
  playground: "example",
  quickstart: "example",
  tests: "test",
  docs: "docs",
};
/** A directory's purpose by its name, a numbered one's too (example_1/, demo-2/, tutorial03/ as a set of steps). */
const dirContext = (d: string): CodeContext | undefined => {
  const key = dirKey(d);
  const exact = DIRECTORY_CONTEXT[key] ?? DIRECTORY_CONTEXT[key.replace(/_?\d+$/, "")];
  if (exact) return exact;
  for (const part of key.split("_")) if (Object.hasOwn(PURPOSE_WORDS, part)) return PURPOSE_WORDS[part];
  return undefined;
};

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
  /^(test_.+\.(py|sh|bash)|.+_test\.(py|sh|bash)|.+_tests\.py|tests?\.py|conftest\.py|locustfile\.py|(?:load|stress|soak)[-_]?test(?:s|ing)?(?:[-_.][^/]*)?\.(py|sh|js|ya?ml)|mock_.+\.py|.+_mock\.py|.+\.test\.[jt]sx?|.+\.spec\.[jt]sx?)$/;
const DOCS_FILE = /\.(md|markdown|rst|adoc|asciidoc)$/;
/** Notebooks, and templates to copy such as .env.example or config.sample.yaml. */
const EXAMPLE_FILE = /\.ipynb$|\.(example|sample)(\.[a-z0-9]+)?$/;
/** A helper in a scripts/tools directory named for release, lint or formatting work is tooling, not service code. */
const TOOL_DIRS = new Set(["scripts", "script", "tools", "tool", "dev", "hack"]);
const TOOL_NAME =
  /^(release|publish|bump|changelog|lint|format|fmt|check_|verify_|validate_|update_|generate_|gen_|build_docs|docs_|ci_|precommit|pre_commit|sync_version|version)[a-z0-9_-]*\.(py|sh|bash)$/;

/** A shell script named for setting a machine up (setup.sh, install_admin_tools.sh, bootstrap-dev.sh). */
const SETUP_SCRIPT = /^(setup|install|bootstrap)([-_][a-z0-9_-]*)?\.(sh|bash)$/;

/** A Python module that imports a test framework is test code wherever it lives (a helper module of a test suite). */
const IMPORTS_TEST_FRAMEWORK =
  /^[ \t]*(?:import[ \t]+(?:pytest|unittest)\b|from[ \t]+(?:pytest|unittest)(?:\.[A-Za-z_.]+)?[ \t]+import\b)/m;

export interface ContextHints {
  /** Scripts that CI configuration runs and nothing that ships (Dockerfiles, Procfiles, compose files) does. */
  ciOnlyScripts?: ReadonlySet<string>;
  /** Directories holding a copy of another project (vendoredDirs), and the repository's linguist-vendored paths. */
  vendored?: (path: string) => boolean;
  /** Dependency lists nothing that ships installs (RequirementListUse). */
  unshippedLists?: ReadonlySet<string>;
  /** Scripts that something which ships runs (a Dockerfile, compose file, Procfile or entrypoint names them). */
  shippedScripts?: ReadonlySet<string>;
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
  const scope = requirementListScope(parts);
  if (scope) return scope;
  const dirs = parts.slice(0, -1).map(dirContext);
  // Below a test directory everything serves the tests, whatever its shape (tests/e2e/fixtures/quickstart/).
  if (dirs.includes("test")) return "test";
  // A copy of another project is that project's code whatever its folders say (a vendored yolov7's train.py).
  if (dirs.includes("vendored") || hints.vendored?.(path)) return "vendored";
  const nearest = dirs.findLast((c) => c !== undefined);
  if (nearest) return nearest;
  if (hints.ciOnlyScripts?.has(path) || hints.unshippedLists?.has(path)) return "build";
  if (parts.length > 1 && TOOL_DIRS.has(parts.at(-2)!.toLowerCase()) && TOOL_NAME.test(name)) return "build";
  // A set-up script at the root or in a tools folder that nothing which ships runs sets up a developer's machine
  // (installers, CLIs, a local cluster): tooling, not the service.
  if (SETUP_SCRIPT.test(name) && (parts.length === 1 || TOOL_DIRS.has(parts.at(-2)!.toLowerCase())) && !hints.shippedScripts?.has(path))
    return "build";
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

/** The scripts that launchers (isLauncher: Dockerfiles, compose files, Procfiles, entrypoints) run. */
export function shippedScripts(launchers: readonly string[]): Set<string> {
  return new Set(launchers.flatMap((t) => [...mentionedScripts(t)]));
}

/**
 * The scripts among `files` that CI configuration mentions and no launcher does: a release or lint helper that a
 * workflow runs is tooling, but a script a Dockerfile also runs ships.
 */
export function ciOnlyScripts(ci: readonly string[], launchers: readonly string[], files: readonly string[]): Set<string> {
  const byCi = new Set(ci.flatMap((t) => [...mentionedScripts(t)]));
  const shipped = new Set([
    ...shippedScripts(launchers),
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

// ---------------------------------------------------------------------------------------------------------------
// Dependency lists: which of a repository's requirement files describe what ships

/** A pip requirements or constraints list (requirements-gpu.txt, requirements/base.in), not a lock or pyproject. */
export function isRequirementList(path: string): boolean {
  const parts = path.split("/");
  const name = parts.at(-1)!;
  return (
    /^(?:requirements|constraints)[^/]*\.(?:txt|in)$/i.test(name) ||
    /^[^/]*[-_](?:requirements|constraints)\.(?:txt|in)$/i.test(name) ||
    (parts.length > 1 && parts.at(-2)!.toLowerCase() === "requirements" && /\.(?:txt|in)$/i.test(name))
  );
}

/** What a list's name says it installs for, as Dependabot's development scope does for dev dependency groups. */
const LIST_SCOPE: Record<string, CodeContext> = Object.fromEntries([
  ...["test", "tests", "testing", "unittest", "e2e", "bench", "benchmark", "benchmarks"].map((w) => [w, "test"]),
  ...["docs", "doc", "documentation", "sphinx", "mkdocs"].map((w) => [w, "docs"]),
  ...[
    "dev",
    "devel",
    "develop",
    "developer",
    "development",
    "lint",
    "linting",
    "ci",
    "typing",
    "mypy",
    "style",
    "format",
    "pre-commit",
    "precommit",
    "tools",
    "tooling",
    "release",
  ].map((w) => [w, "build"]),
] as [string, CodeContext][]);

/**
 * The context a requirement list's own name gives it: requirements-dev.txt, dev-requirements.txt,
 * requirements_test.txt, requirements/docs.txt install a developer's tools, a test run or a docs build, not the
 * service.
 */
function requirementListScope(parts: readonly string[]): CodeContext | undefined {
  const path = parts.join("/");
  if (!isRequirementList(path)) return undefined;
  const stem = parts
    .at(-1)!
    .toLowerCase()
    .replace(/\.(?:txt|in)$/, "");
  const inRequirementsDir = parts.length > 1 && parts.at(-2)!.toLowerCase() === "requirements";
  const word =
    inRequirementsDir && !/^(?:requirements|constraints)/.test(stem)
      ? stem
      : stem.replace(/^(?:requirements|constraints)[-_.]?|[-_.]?(?:requirements|constraints)$/g, "");
  return LIST_SCOPE[word.replace(/_/g, "-")];
}

/** A repository path's folder ("" at the root). */
export const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/")));

/** Files no check reads that still name the lists they install: make and task runner recipes. */
export function isListMentioner(path: string): boolean {
  return /^(?:gnumakefile|makefile|justfile|tox\.ini|taskfile\.ya?ml|[^/]*\.mk)$/.test(path.toLowerCase().split("/").at(-1)!);
}

/** A list path written with a variable or a wildcard (`-r reqs/torch_${CUDA}.txt`, requirements-*.txt). */
const DYNAMIC_LIST =
  /(?:-r|--requirement|-c|--constraint|requirements|constraints)[\s=]{0,4}["']?[\w./-]{0,60}(?:\$\{?\w+\}?|\*|\{\w*\})[\w./${}*-]{0,40}\.(?:txt|in)\b/i;

/**
 * Which requirement lists something that ships installs. A list counts as installed when a file that is not
 * itself an uninstalled list names it (a Dockerfile's `pip install -r`, a script, a README's setup steps, Modal's
 * `pip_install_from_requirements`, bentofile's `requirements_txt`, another list's `-r`); one only CI
 * configuration names, or none names, sets up a developer's or CI's environment and is build context (a folder
 * of per-CUDA torch lists copied from another project, say). The conventional `requirements.txt` and
 * `requirements.in` are what pip, platforms and readers take by default, so they always count as installed, and a
 * list path built from a variable anywhere makes every list count, as does a sibling list that ships (a folder of
 * optional extras). Fed every text the scan reads.
 */
export class RequirementListUse {
  private readonly byName = new Map<string, string[]>();
  private readonly mentions = new Map<string, Set<string>>();
  private dynamic = false;
  private readonly conventional: string[] = [];

  constructor(lists: readonly string[]) {
    for (const l of lists) {
      const name = l.split("/").at(-1)!;
      if (/^(?:requirements|constraints)\.(?:txt|in)$/i.test(name)) {
        this.conventional.push(l);
        continue;
      }
      (this.byName.get(name) ?? this.byName.set(name, []).get(name)!).push(l);
    }
  }

  get empty(): boolean {
    return this.byName.size === 0;
  }

  /** Notes which lists `text` (the content of `path`) names. */
  see(path: string, text: string): void {
    if (this.empty || this.dynamic) return;
    if (!/\.(?:txt|in)\b/.test(text)) return;
    if (DYNAMIC_LIST.test(text)) {
      this.dynamic = true;
      return;
    }
    for (const [name, lists] of this.byName)
      if (text.includes(name))
        for (const l of lists) if (l !== path) (this.mentions.get(l) ?? this.mentions.set(l, new Set()).get(l)!).add(path);
  }

  /** The lists nothing that ships names: neither a file outside CI configuration nor an installed list. */
  unshipped(): Set<string> {
    if (this.dynamic) return new Set();
    const lists = [...this.byName.values()].flat();
    const candidate = new Set(lists);
    const shipped = new Set<string>();
    // A list another list includes ships when that list does: settle it by going round until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      for (const l of lists) {
        if (shipped.has(l)) continue;
        const by = [...(this.mentions.get(l) ?? [])];
        if (by.some((f) => (candidate.has(f) ? shipped.has(f) : !isCiConfig(f) && codeContext(f) !== "build"))) {
          shipped.add(l);
          changed = true;
        }
      }
    }
    // A folder some of whose lists ship holds optional extras a reader installs by hand (requirements/vllm.txt
    // beside the requirements/metrics.txt a Dockerfile installs): only a folder none of whose lists ships is set-up.
    const shippedDirs = new Set([...shipped, ...this.conventional].map(dirOf));
    return new Set(lists.filter((l) => !shipped.has(l) && !shippedDirs.has(dirOf(l))));
  }
}
