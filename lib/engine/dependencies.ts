/**
 * The Python dependency declarations of a repository, and the one question checks ask of them: can this package
 * be installed below a version, for the code in this file? Pure: the caller hands in the manifests' texts and a
 * reader for the files they include.
 *
 * Which declarations apply to a file: those of the nearest directory, from the file's own upward, that declares
 * the package (a monorepo's services each declare their own); files in a `requirements/` directory declare for its
 * parent. Within that directory a lock file that names the package decides (it pins what is installed); otherwise
 * every declaration counts, since each (requirements-gpu.txt, an optional-dependencies group, a conda
 * environment) is a way the code gets installed: one that allows a version below the limit is enough. A package
 * nobody declares is not pinned, so it can be anything.
 */
import { parse as parseSpecifier } from "@renovatebot/pep440/lib/specifier.js";
import { valid } from "@renovatebot/pep440";
import { parse as parseToml } from "smol-toml";
import { load as parseYaml } from "js-yaml";
import { parse as parseAst, type SgNode } from "@ast-grep/napi";
import { ensureLanguages } from "./compile.ts";
import { logicalLines, MAX_REGEX_LINE } from "./logical-lines.ts";
import { markerAdmits, pythonVersionFile } from "./markers.ts";
import { intersect, specInterval } from "./pep440.ts";
import { dirOf, isRequirementList } from "./context.ts";
import type { ScanError } from "./types.ts";

export interface Declaration {
  /** PEP 503 normalized: lower case, runs of `-_.` as one `-`. */
  name: string;
  /**
   * PEP 440 specifier sets, any one of which the declaration allows (Poetry's `||`, conda's `|`); "" allows any
   * version, null is a specifier this module cannot read (so it is taken to allow any version too).
   */
  specs: (string | null)[];
  /** The declaration as written, for messages. */
  text: string;
  /** Relative path of the file that says it. */
  file: string;
  /** From a lock file: the version installed. */
  locked?: boolean;
  /** From a constraints file (or `-c`): it bounds what the requirements beside it install. */
  constraint?: boolean;
  /**
   * Installed by an image build step (a Dockerfile's `RUN pip install`, Modal's `pip_install`): resolved when the
   * image is built, so a range with no upper bound takes the newest release then, not an old one it admits.
   */
  buildStep?: boolean;
  /** 1-based line of the declaration in `file` (locateDeclarations), for findings about it. */
  line?: number;
}

export interface DependencyAnswer {
  below: boolean;
  /** What decided it, e.g. "torch>=1.9 in requirements.txt", "torch 2.1.0 in poetry.lock", "torch is not pinned". */
  found: string;
}

const LOCK_FILES = new Set(["poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock"]);
const CONDA_FILE = /^(?:environment|conda)(?:[-_.][^/]*)?\.ya?ml$/i;
const BENTOFILE = /^bentofile\.ya?ml$/;

/** Whether a repository path (relative, "/" separators) is a file this module reads declarations from. */
export function isDependencyManifest(rel: string): boolean {
  const parts = rel.split("/");
  const base = parts.at(-1)!;
  if (LOCK_FILES.has(base) || base === "pyproject.toml" || base === "setup.py" || base === "setup.cfg" || base === "Pipfile") return true;
  return isRequirementList(rel) || CONDA_FILE.test(base) || BENTOFILE.test(base);
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** conda channels publish some packages under another name than PyPI's. */
const CONDA_TO_PYPI: Record<string, string> = { pytorch: "torch", "pytorch-gpu": "torch", "pytorch-cpu": "torch" };

/** The directory whose code a manifest declares for. */
function declaringDir(rel: string): string {
  const dir = dirOf(rel);
  const base = dir.slice(dir.lastIndexOf("/") + 1);
  return base.toLowerCase() === "requirements" ? dirOf(dir) : dir;
}

/** A directory and every one above it, to the repository's root (""): "a/b" → ["a/b", "a", ""]. */
function dirsUp(dir: string): string[] {
  const out = [dir];
  for (let d = dir; d; ) out.push((d = dirOf(d)));
  return out;
}

/** Joins a path written in a manifest onto its directory; undefined when it leaves the repository or is absolute. */
function resolveInside(dir: string, written: string): string | undefined {
  if (written.startsWith("/") || /^[A-Za-z]:[\\/]/.test(written) || /^[a-z][a-z0-9+.-]*:\/\//i.test(written)) return undefined;
  const out: string[] = dir ? dir.split("/") : [];
  for (const part of written.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join("/");
}

// ---------------------------------------------------------------------------------------------------------------
// Reading version specifiers

/**
 * Whether a PEP 440 specifier set lets some version below `limit` be installed (lib/engine/pep440.ts: the set and
 * `<limit` share a version). Pre-releases are not treated apart; an unreadable set allows anything.
 */
export function specAllowsBelow(spec: string | null, limit: string): boolean {
  if (spec === null || spec.trim() === "") return true;
  const range = specInterval(spec);
  if (range === null) return true;
  return range !== undefined && intersect(range, { hi: { v: limit, inclusive: false } }) !== undefined;
}

function bumpAt(release: number[], index: number): string {
  const out = release.slice(0, index + 1);
  out[index] = (out[index] ?? 0) + 1;
  return out.join(".");
}

/**
 * A Poetry or conda constraint as PEP 440 specifier sets: Poetry's ^ and ~, `||`, space-separated clauses and
 * bare versions; with `fuzzyBare` (conda) a bare or single-`=` version means that version's series (2.1 → 2.1.*).
 */
export function toPep440(constraint: string, opts: { fuzzyBare?: boolean } = {}): (string | null)[] {
  return constraint.split(/\|\|?/).map((alt) => {
    const clauses = alt
      .trim()
      .replace(/(>=|<=|==|!=|~=|>|<|=|\^|~)\s+/g, "$1")
      .split(/[\s,]+/)
      .filter(Boolean);
    const out: string[] = [];
    for (const cl of clauses) {
      if (cl === "*") continue;
      const m = /^(\^|~(?!=)|>=|<=|===|==|!=|~=|>|<|=)?(.*)$/.exec(cl)!;
      const op = m[1] ?? "";
      let v = m[2]!;
      if (op === "^" || op === "~") {
        const release = /^\d+(?:\.\d+)*/.exec(v)?.[0].split(".").map(Number);
        if (!release) return null;
        let at = op === "~" ? Math.min(1, release.length - 1) : release.findIndex((n) => n !== 0);
        if (at < 0) at = release.length - 1;
        out.push(`>=${v}`, `<${bumpAt(release, at)}`);
      } else if (op === "" || op === "=") {
        if (opts.fuzzyBare && !v.endsWith("*")) v = `${v}.*`;
        out.push(`==${v.replace(/\.?\*$/, ".*")}`);
      } else out.push(`${op}${v}`);
    }
    const spec = out.join(",");
    return spec === "" || parseSpecifier(spec) ? spec : null;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading manifests

/** `name-1.2.3-py3-none-any.whl` / `name-1.2.3.tar.gz` at the end of a URL or path: the version it installs. */
function versionFromArchive(location: string): { name: string; version: string } | undefined {
  let file = location.split(/[?#]/)[0]!.split("/").at(-1) ?? "";
  try {
    file = decodeURIComponent(file);
  } catch {
    return undefined;
  }
  let name: string | undefined;
  let version: string | undefined;
  if (file.endsWith(".whl")) {
    // name-version(-build)?-python-abi-platform: a wheel's name has no "-" (it is normalized to "_")
    const parts = file.slice(0, -4).split("-");
    if (parts.length >= 5) [name, version] = parts;
  } else {
    const stem = file.endsWith(".tar.gz") ? file.slice(0, -7) : file.endsWith(".zip") ? file.slice(0, -4) : undefined;
    const dash = stem?.lastIndexOf("-") ?? -1;
    if (stem && dash > 0) [name, version] = [stem.slice(0, dash), stem.slice(dash + 1)];
  }
  if (!name || !version || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !/^\d[A-Za-z0-9.+!]*$/.test(version)) return undefined;
  return { name, version };
}

/** One PEP 508 requirement (`torch[extra]>=1.9; python_version>"3.8"`, `torch @ https://…/torch-2.1.0-….whl`). */
export function parseRequirement(text: string, file: string): Declaration | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/s.exec(text);
  if (!m) return undefined;
  // Markers say when the requirement applies; any platform it applies to can install it, so they are not read.
  const beforeMarker = (t: string) => (t.includes(";") ? t.slice(0, t.indexOf(";")) : t).trim();
  let rest = beforeMarker(m[3]!);
  const written = beforeMarker(text);
  if (rest.startsWith("@")) {
    const archive = versionFromArchive(rest.slice(1).trim());
    return { name: normalizeName(m[1]!), specs: [archive ? `==${archive.version}` : ""], text: written, file };
  }
  if (rest.startsWith("(") && rest.endsWith(")")) rest = rest.slice(1, -1).trim();
  const spec = rest === "" ? "" : parseSpecifier(rest) ? rest : null;
  return { name: normalizeName(m[1]!), specs: [spec], text: written, file };
}

interface Reading {
  declarations: Declaration[];
  /**
   * Requirement files a requirements file includes with -r / -c, resolved in the repository; `or`: where else the
   * same written path may point when `path` is not there (a bentofile's path is relative to the build context).
   */
  includes: { path: string; constraint: boolean; or?: string[] }[];
}

/** requirements.txt / constraints.txt (pip's format) and the `pip:` list of a conda environment. */
export function readRequirementsText(text: string, file: string, opts: { constraint?: boolean } = {}): Reading {
  const out: Reading = { declarations: [], includes: [] };
  const dir = dirOf(file);
  const logical = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const raw of logical) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    if (line.startsWith("-")) {
      const m = /^(-[a-zA-Z]|--[a-z-]+)(?:=|\s+)?(\S*)/.exec(line);
      const opt = m?.[1] ?? "";
      const value = m?.[2] ?? "";
      if (/^(?:-r|--requirement|-c|--constraint)$/.test(opt) && value) {
        const path = resolveInside(dir, value);
        if (path) out.includes.push({ path, constraint: opts.constraint || opt === "-c" || opt === "--constraint" });
      } else if (/^(?:-e|--editable)$/.test(opt) && value) {
        const archive = versionFromArchive(value);
        if (archive)
          out.declarations.push({
            name: normalizeName(archive.name),
            specs: [`==${archive.version}`],
            text: value,
            file,
            constraint: opts.constraint,
          });
      }
      // Index, binary and build options choose where and how, not which version.
      continue;
    }
    // Per-requirement options (--hash=…) follow the requirement.
    const cut = line.search(/\s--[a-z]/);
    const req = (cut < 0 ? line : line.slice(0, cut)).trim();
    if (/^(?:\.{0,2}\/|[a-z][a-z0-9+.-]*:\/\/)|\.whl$|\.tar\.gz$/i.test(req)) {
      const archive = versionFromArchive(req);
      if (archive)
        out.declarations.push({
          name: normalizeName(archive.name),
          specs: [`==${archive.version}`],
          text: req,
          file,
          constraint: opts.constraint,
        });
      continue;
    }
    const d = parseRequirement(req, file);
    if (d) out.declarations.push(opts.constraint ? { ...d, constraint: true } : d);
  }
  return out;
}

function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A Poetry dependency value: "^2.1", {version = "^2.1", …}, or a list of those for different markers. */
function poetryDeclarations(deps: unknown, file: string): Declaration[] {
  if (!isTable(deps)) return [];
  const out: Declaration[] = [];
  for (const [name, value] of Object.entries(deps)) {
    if (name.toLowerCase() === "python") continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const constraint = typeof v === "string" ? v : isTable(v) && typeof v.version === "string" ? v.version : "";
      out.push({ name: normalizeName(name), specs: toPep440(constraint), text: constraint ? `${name} = "${constraint}"` : name, file });
    }
  }
  return out;
}

export function readPyproject(text: string, file: string): Declaration[] {
  const doc = parseToml(text) as Record<string, unknown>;
  const out: Declaration[] = [];
  const project = isTable(doc.project) ? doc.project : {};
  // `bentoml[grpc]` in bentoml's own optional dependencies installs its extras, not another release of it.
  const own = typeof project.name === "string" ? normalizeName(project.name) : undefined;
  const pep508 = (list: unknown, constraint?: boolean) => {
    for (const s of stringsOf(list)) {
      const d = parseRequirement(s, file);
      if (d && d.name !== own) out.push(constraint ? { ...d, constraint } : d);
    }
  };
  pep508(project.dependencies);
  if (isTable(project["optional-dependencies"])) for (const list of Object.values(project["optional-dependencies"])) pep508(list);
  // PEP 735 groups; a group's {include-group = …} entries name other groups, which are read on their own.
  if (isTable(doc["dependency-groups"])) for (const list of Object.values(doc["dependency-groups"])) pep508(list);
  const tool = isTable(doc.tool) ? doc.tool : {};
  const poetry = isTable(tool.poetry) ? tool.poetry : {};
  out.push(...poetryDeclarations(poetry.dependencies, file), ...poetryDeclarations(poetry["dev-dependencies"], file));
  if (isTable(poetry.group))
    for (const g of Object.values(poetry.group)) if (isTable(g)) out.push(...poetryDeclarations(g.dependencies, file));
  const uv = isTable(tool.uv) ? tool.uv : {};
  pep508(uv["dev-dependencies"]);
  pep508(uv["override-dependencies"]);
  pep508(uv["constraint-dependencies"], true);
  const pdm = isTable(tool.pdm) ? tool.pdm : {};
  if (isTable(pdm["dev-dependencies"])) for (const list of Object.values(pdm["dev-dependencies"])) pep508(list);
  return out;
}

/** Pipfile: [packages] / [dev-packages], values "*", ">=1.9" or {version = …}. */
export function readPipfile(text: string, file: string): Declaration[] {
  const doc = parseToml(text) as Record<string, unknown>;
  const out: Declaration[] = [];
  for (const section of ["packages", "dev-packages"]) {
    const deps = doc[section];
    if (!isTable(deps)) continue;
    for (const [name, value] of Object.entries(deps)) {
      const spec = typeof value === "string" ? value : isTable(value) && typeof value.version === "string" ? value.version : "";
      const s = spec.trim() === "*" ? "" : spec.trim();
      out.push({ name: normalizeName(name), specs: [s === "" || parseSpecifier(s) ? s : null], text: s ? `${name}${s}` : name, file });
    }
  }
  return out;
}

/** The environment markers a lock entry was resolved for (uv, poetry, pdm); none: every environment. */
function lockMarkers(p: Record<string, unknown>): string[] {
  const v = p["resolution-markers"] ?? p.markers ?? p.marker;
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((m): m is string => typeof m === "string");
  if (isTable(v)) return Object.values(v).filter((m): m is string => typeof m === "string");
  return [];
}

/**
 * poetry.lock, uv.lock, pdm.lock ([[package]] name / version) and Pipfile.lock (JSON). Given the project's Python
 * (its .python-version), an entry resolved only for other Pythons (a uv.lock's `ray 2.8.1` for < 3.8) is left out.
 */
export function readLock(text: string, file: string, python?: string): Declaration[] {
  const locked = (name: string, version: string): Declaration => ({
    name: normalizeName(name),
    specs: [valid(version) ? `==${version}` : null],
    text: `${name} ${version}`,
    file,
    locked: true,
  });
  if (file.endsWith("Pipfile.lock")) {
    const doc = JSON.parse(text) as Record<string, unknown>;
    const out: Declaration[] = [];
    for (const section of ["default", "develop"]) {
      const deps = doc[section];
      if (!isTable(deps)) continue;
      for (const [name, value] of Object.entries(deps)) {
        if (isTable(value) && typeof value.version === "string") out.push(locked(name, value.version.replace(/^===?/, "")));
      }
    }
    return out;
  }
  const doc = parseToml(text) as Record<string, unknown>;
  const packages = Array.isArray(doc.package) ? doc.package : [];
  return packages
    .filter((p): p is { name: string; version: string } => isTable(p) && typeof p.name === "string" && typeof p.version === "string")
    .filter((p) => {
      const markers = python ? lockMarkers(p) : [];
      return markers.length === 0 || markers.some((m) => markerAdmits(m, python!));
    })
    .map((p) => locked(p.name, p.version));
}

/** setup.cfg: [options] install_requires and [options.extras_require], one requirement per (indented) line. */
export function readSetupCfg(text: string, file: string): Declaration[] {
  const out: Declaration[] = [];
  let section = "";
  let key: string | undefined;
  const wanted = () => (section === "options" && key === "install_requires") || (section === "options.extras_require" && key !== undefined);
  const take = (value: string) => {
    const req = value.replace(/(^|\s)#.*$/, "").trim();
    const d = req ? parseRequirement(req, file) : undefined;
    if (d) out.push(d);
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(line) || line.trim() === "") continue;
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      key = undefined;
      continue;
    }
    if (/^\s/.test(line)) {
      if (key !== undefined && wanted()) take(line.trim());
      continue;
    }
    const sep = line.search(/[=:]/);
    if (sep < 0) continue;
    const name = line.slice(0, sep).trim();
    const value = line.slice(sep + 1).trim();
    key = section === "options.extras_require" ? name : name.toLowerCase().replace(/-/g, "_");
    if (wanted() && value) take(value);
  }
  return out;
}

function stringLiteral(node: SgNode): string | undefined {
  if (node.kind() !== "string" || node.children().some((c) => c.kind() === "interpolation")) return undefined;
  const m = /^[rRuU]?("""|'''|"|')([\s\S]*)\1$/.exec(node.text());
  return m?.[2];
}

/** The value a module-level statement `name = value` assigns. */
function moduleAssignment(root: SgNode, name: string): SgNode | undefined {
  return (
    root
      .children()
      .map((s) => s.child(0))
      .find((a) => a?.kind() === "assignment" && a.field("left")?.text() === name)
      ?.field("right") ?? undefined
  );
}

/** setup.py: the literal lists given to setup(install_requires=…, extras_require=…), directly or by a module-level name. */
export function readSetupPy(text: string, file: string): Declaration[] {
  ensureLanguages();
  const root = parseAst("python", text).root();
  const assigned = (name: string) => moduleAssignment(root, name);
  const lists = (value: SgNode | null | undefined, depth = 0): SgNode[] => {
    if (!value || depth > 2) return [];
    const k = value.kind();
    if (k === "identifier") return lists(assigned(value.text()), depth + 1);
    if (k === "list" || k === "tuple") return [value];
    if (k === "dictionary")
      return value
        .children()
        .filter((p) => p.kind() === "pair")
        .flatMap((p) => lists(p.field("value"), depth + 1));
    // a + b of lists
    if (k === "binary_operator") return [...lists(value.field("left"), depth + 1), ...lists(value.field("right"), depth + 1)];
    return [];
  };
  const out: Declaration[] = [];
  const args = root.findAll({
    rule: {
      kind: "keyword_argument",
      has: { field: "name", regex: "^(install_requires|extras_require)$" },
      inside: { kind: "argument_list", inside: { kind: "call", has: { field: "function", regex: "^(setuptools\\.)?setup$" } } },
    },
  });
  for (const arg of args) {
    for (const list of lists(arg.field("value"))) {
      for (const item of list.children()) {
        const s = stringLiteral(item);
        const d = s === undefined ? undefined : parseRequirement(s, file);
        if (d) out.push(d);
      }
    }
  }
  return out;
}

/** environment.yml: conda specs (`pytorch=2.1`, `pytorch>=2.1,<3`, `pytorch::pytorch 2.1.*`) and the `pip:` list. */
export function readCondaEnvironment(text: string, file: string): Reading {
  const doc = parseYaml(text);
  const out: Reading = { declarations: [], includes: [] };
  const deps = isTable(doc) && Array.isArray(doc.dependencies) ? doc.dependencies : [];
  for (const dep of deps) {
    // A conda spec is a few dozen characters; a longer string is not one.
    if (typeof dep === "string" && dep.length <= 1000) {
      const spec = dep
        .replace(/^[^\s:]*::/, "")
        .replace(/\[.*\]\s*$/, "")
        .trim();
      const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$/.exec(spec);
      if (!m) continue;
      // name=ver=build / name ver build: the build string is not a version.
      let version = m[2]!.trim().replace(/(?<=[0-9*])=(?!=).*$/, "");
      if (/^[0-9*]/.test(version)) version = version.split(/\s+/)[0]!;
      const name = m[1]!.toLowerCase();
      out.declarations.push({
        name: normalizeName(CONDA_TO_PYPI[name] ?? name),
        specs: toPep440(version, { fuzzyBare: true }),
        text: dep.trim(),
        file,
      });
    } else if (isTable(dep) && Array.isArray(dep.pip)) {
      const r = readRequirementsText(stringsOf(dep.pip).join("\n"), file);
      out.declarations.push(...r.declarations);
      out.includes.push(...r.includes);
    }
  }
  return out;
}

/** bentofile.yaml: `python.packages` (PEP 508 strings) and the requirements file `python.requirements_txt` names. */
export function readBentofile(text: string, file: string): Reading {
  const doc = parseYaml(text);
  const out: Reading = { declarations: [], includes: [] };
  const python = isTable(doc) && isTable(doc.python) ? doc.python : {};
  for (const s of stringsOf(python.packages)) {
    const d = s.length <= 1000 ? parseRequirement(s, file) : undefined;
    if (d) out.declarations.push(d);
  }
  // BentoML resolves the path against the build context: the bentofile's directory, or any directory above it
  // that `bentoml build -f <bentofile> <context>` names (the repository's root, often).
  const written = typeof python.requirements_txt === "string" ? python.requirements_txt : undefined;
  const path = written === undefined ? undefined : resolveInside(dirOf(file), written);
  if (path) {
    const above = dirsUp(dirOf(file))
      .slice(1)
      .map((dir) => resolveInside(dir, written!))
      .filter((p): p is string => p !== undefined);
    out.includes.push({ path, constraint: false, ...(above.length ? { or: above } : {}) });
  }
  return out;
}

/**
 * Image build steps in Python code install packages too: Modal's `Image…pip_install("torch==2.1.0")` and
 * `uv_pip_install`, BentoML's `Image(...).python_packages(...)`, and the requirements files they name
 * (`pip_install_from_requirements`, `requirements_file`); so do a serving framework's own images named by
 * Dockerfiles and manifests (readImageReferences). A file is read only if its text names one.
 */
const IMAGE_STEP_CALL =
  "^(?:pip_install|uv_pip_install|python_packages|pip_install_from_requirements|uv_pip_install_from_requirements|requirements_file)$";
const IMAGE_STEP_TEXT = /\b(?:uv_)?pip_install|\bpython_packages\b|\brequirements_file\b/;

export function isImageStepSource(rel: string, text: string): boolean {
  if (rel.endsWith(".py")) return IMAGE_STEP_TEXT.test(text);
  return isImageReferenceFile(rel) && (FRAMEWORK_IMAGE_TEXT.test(text) || (isDockerfile(rel) && PIP_INSTALL_TEXT.test(text)));
}

const DOCKERFILE = /(?:^|\/)(?:(?:Dockerfile|Containerfile)(?:\.[^/]*)?|[^/]*\.dockerfile)$/i;
/** A Dockerfile or Containerfile: its FROM lines and pip installs declare dependencies (readPipInstalls). */
export function isDockerfile(rel: string): boolean {
  return DOCKERFILE.test(rel);
}

/** `pip install`, `pip3 install`, `python -m pip install`, `uv pip install`: a command that installs what it names. */
const PIP_INSTALL_TEXT = /\bpip[\d.]*\s+install\b/;
/** pip options that take a value: the value is no package. */
const PIP_VALUE_OPTIONS = new Set([
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-e",
  "--editable",
  "-f",
  "--find-links",
  "-i",
  "--index-url",
  "--extra-index-url",
  "--trusted-host",
  "-t",
  "--target",
  "--prefix",
  "--root",
  "--platform",
  "--python-version",
  "--implementation",
  "--abi",
  "--src",
  "--upgrade-strategy",
  "--progress-bar",
  "--cache-dir",
  "--log",
  "--proxy",
  "--retries",
  "--timeout",
  "--exists-action",
  "--cert",
  "--client-cert",
  "--no-binary",
  "--only-binary",
  "--index",
  "--python",
  "--config-settings",
  "-C",
  "--report",
  "--root-user-action",
]);

/**
 * The packages a Dockerfile's `pip install` commands name (RUN lines, with their continuations): an image that
 * installs `ray[serve]==2.5.1` declares ray 2.5.1 as surely as a requirements file beside it. Requirement files,
 * paths, URLs and shell variables are not packages; an option's value is skipped.
 */
export function readPipInstalls(text: string, file: string): Declaration[] {
  const out: Declaration[] = [];
  for (const { text: command, line, starts } of logicalLines(text.split(/\r?\n/), true)) {
    if (command.length > MAX_REGEX_LINE || !PIP_INSTALL_TEXT.test(command)) continue;
    // The command's words with the physical line each is on; a shell comment runs to the end of its line.
    const words: { word: string; line: number }[] = [];
    let commented = -1;
    for (const m of command.matchAll(/&&|\|\||[;|]|[^\s;&|]+/g)) {
      let k = starts.length - 1;
      while (k > 0 && starts[k]! > m.index) k--;
      if (k === commented) continue;
      if (m[0].startsWith("#")) commented = k;
      else words.push({ word: m[0], line: line + k + 1 });
    }
    let installing = false;
    let skipNext = false;
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!.word;
      if (/^(?:&&|\|\||;|\|)$/.test(w)) {
        installing = false;
        continue;
      }
      if (!installing) {
        // pip where a command starts (after RUN, a separator, sudo, `python -m` or `uv`), not an echo's word
        if (w === "install" && k > 0 && /(?:^|\/)pip[\d.]*$/.test(words[k - 1]!.word))
          installing = k < 2 || /^(?:RUN|&&|\|\||;|\||sudo|-m|uv)$/.test(words[k - 2]!.word);
        continue;
      }
      if (skipNext) {
        skipNext = false;
        continue;
      }
      if (w.startsWith("-")) {
        if (PIP_VALUE_OPTIONS.has(w)) skipNext = true;
        continue;
      }
      const req = w.replace(/^(["'])(.*)\1$/, "$2");
      if (/[$/\\]|^\.|^[a-z+]+:|\.(?:whl|tar\.gz|zip)$/i.test(req)) continue;
      const d = parseRequirement(req, file);
      if (d) out.push({ ...d, line: words[k]!.line, buildStep: true });
    }
  }
  return out;
}

/**
 * The serving frameworks' own container images, whose tag is the framework's version: `FROM pytorch/torchserve:0.6.0-gpu`
 * or a manifest's `image: rayproject/ray:2.9.0-py310` declares torchserve 0.6.0 or ray 2.9.0 as surely as a pin in
 * requirements.txt, for the directory that holds the file.
 */
const FRAMEWORK_IMAGES: [RegExp, string][] = [
  [/^(?:docker\.io\/)?pytorch\/torchserve(?:-nightly)?$/, "torchserve"],
  [/^(?:docker\.io\/)?(?:rayproject|anyscale)\/ray(?:-ml|-llm)?$/, "ray"],
  [/^(?:docker\.io\/)?vllm\/vllm-openai$/, "vllm"],
  [/^(?:docker\.io\/)?bentoml\/bento-server$/, "bentoml"],
  [/^(?:ghcr\.io\/)?mlflow\/mlflow$/, "mlflow"],
  [/^(?:docker\.io\/)?pytorch\/pytorch$/, "torch"],
];
const FRAMEWORK_IMAGE_TEXT =
  /\b(?:pytorch\/(?:torchserve|pytorch)|rayproject\/ray|anyscale\/ray|vllm\/vllm-openai|bentoml\/bento-server|mlflow\/mlflow)\b/;
/** Beside Dockerfiles: manifests and compose files (`image:`). */
const IMAGE_REFERENCE_FILE = /(?:^|\/)[^/]*\.ya?ml$/;
/** A Dockerfile's FROM, a manifest's or compose file's `image:` (a list item's too, a Helm value's `torchserve_image:`). */
const IMAGE_LINE = /^\s*(?:FROM\s+(?:--platform=\S+\s+)?|(?:-\s*)?["']?[A-Za-z_-]*[Ii]mage["']?\s*:\s*)["']?([^\s"'#]+)/i;

function isImageReferenceFile(rel: string): boolean {
  return DOCKERFILE.test(rel) || IMAGE_REFERENCE_FILE.test(rel);
}

/** The framework versions the images of a Dockerfile or manifest declare; a moving tag (latest, nightly) declares none. */
export function readImageReferences(text: string, file: string): Declaration[] {
  const out: Declaration[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const ref = IMAGE_LINE.exec(line)?.[1]?.split("@")[0];
    if (!ref) return;
    const colon = ref.lastIndexOf(":");
    const repo = colon > ref.lastIndexOf("/") ? ref.slice(0, colon) : ref;
    const tag = colon > ref.lastIndexOf("/") ? ref.slice(colon + 1) : "";
    const pkg = FRAMEWORK_IMAGES.find(([re]) => re.test(repo))?.[1];
    const version = /^v?(\d+(?:\.\d+)*(?:(?:a|b|rc|\.post|\.dev)\d+)?)(?![\d.])/.exec(tag)?.[1];
    if (pkg && version) out.push({ name: pkg, specs: [`==${version}`], text: `${repo}:${tag}`, file, line: i + 1 });
  });
  return out;
}

/** The packages a Python file's image build steps install: string literals, literal lists, module-level names of lists. */
export function readImageSteps(text: string, file: string): Reading {
  ensureLanguages();
  const root = parseAst("python", text).root();
  const out: Reading = { declarations: [], includes: [] };
  const strings = (value: SgNode | null | undefined, depth = 0): SgNode[] => {
    // An argument, a *splat of a name, the name's list, its strings: four steps at most.
    if (!value || depth > 4) return [];
    const k = value.kind();
    if (k === "string") return [value];
    if (k === "identifier") return strings(moduleAssignment(root, value.text()), depth + 1);
    if (k === "list_splat") return strings(value.child(1), depth + 1);
    if (k === "list" || k === "tuple") return value.children().flatMap((c) => strings(c, depth + 1));
    return [];
  };
  const calls = root.findAll({
    rule: { kind: "call", has: { field: "function", kind: "attribute", has: { field: "attribute", regex: IMAGE_STEP_CALL } } },
  });
  for (const call of calls) {
    const method = call.field("function")!.field("attribute")!.text();
    // Keyword arguments choose indexes, GPUs and options, never packages.
    const args = (call.field("arguments")?.children() ?? []).filter(
      (a) => a.isNamed() && a.kind() !== "keyword_argument" && a.kind() !== "comment",
    );
    if (/requirements/.test(method)) {
      const written = args[0] && stringLiteral(args[0]);
      const path = written === undefined ? undefined : resolveInside(dirOf(file), written);
      if (path) out.includes.push({ path, constraint: false });
      continue;
    }
    for (const node of args.flatMap((a) => strings(a))) {
      const s = stringLiteral(node);
      const d = s === undefined ? undefined : parseRequirement(s, file);
      if (d) out.declarations.push({ ...d, line: node.range().start.line + 1, buildStep: true });
    }
  }
  return out;
}

/**
 * Where a line can name a package it declares: at its start (requirements, setup.cfg, a TOML key, a JSON key), as a
 * YAML list item (conda, bentofile; after a `channel::`), at the start of a string (PEP 508 in pyproject.toml,
 * setup.py) or after `=` (setup.cfg's `install_requires = torch`). A word in the middle of a description is not.
 */
const DECLARED_NAME = /(?:^\s*(?:-\s*)?["']?|["']\s*|=\s*|::)([A-Za-z0-9][A-Za-z0-9._-]*)/g;
const TOML_LOCK_ENTRY = /^\s*name\s*=\s*["']([^"'\n]+)["']/;
const TOML_LOCK_VERSION = /^\s*version\s*=\s*["']([^"'\n]+)["']/;
const COMMENT_LINE = /^\s*(?:#|;|\/\/)/;
/** How many of a package's next lines are searched for one that holds the declaration as written. */
const LOCATE_WINDOW = 16;

/**
 * Gives each declaration of one file that has none the line that declares it, in one pass over the text: a lock
 * file's `name = "torch"` entry, otherwise the next line not yet given to this package that names it where a
 * declaration can (DECLARED_NAME), preferring one that holds the declaration as written; so `torch` in the
 * dependencies and again in an optional group get a line each. A conda name (`pytorch`) counts for the PyPI name
 * it stands for. A declaration no line names as a package (a wheel URL) gets the line that holds it exactly.
 */
export function locateDeclarations(text: string, file: string, ds: readonly Declaration[]): void {
  if (ds.every((d) => d.line !== undefined)) return;
  const lines = text.split(/\r?\n/);
  const lock = /(?:^|\/)(?:poetry|uv|pdm)\.lock$/.test(file);
  const byName = new Map<string, number[]>();
  const exact = new Map<string, number>();
  const note = (name: string, i: number) => {
    const n = normalizeName(name.replace(/[._-]+$/, ""));
    const key = CONDA_TO_PYPI[n] ?? n;
    const at = byName.get(key) ?? byName.set(key, []).get(key)!;
    if (at.at(-1) !== i) at.push(i);
  };
  lines.forEach((line, i) => {
    if (lock) {
      const m = TOML_LOCK_ENTRY.exec(line);
      if (!m) return;
      note(m[1]!, i);
      // A lock may hold one package at several versions (one per Python range): each entry is found by both.
      for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
        const v = TOML_LOCK_VERSION.exec(lines[j]!);
        if (v) {
          const key = `${m[1]} ${v[1]}`;
          if (!exact.has(key)) exact.set(key, i);
          break;
        }
      }
      return;
    }
    if (COMMENT_LINE.test(line)) return;
    for (const m of line.matchAll(DECLARED_NAME)) note(m[1]!, i);
    const trimmed = line.replace(/(^|\s)#.*$/, "").trim();
    if (trimmed && !exact.has(trimmed)) exact.set(trimmed, i);
  });
  const taken = new Set<string>();
  const cursor = new Map<string, number>();
  for (const d of ds) {
    if (d.line !== undefined) continue;
    const c = byName.get(d.name);
    const entry = lock ? exact.get(d.text) : undefined;
    if (entry !== undefined) {
      taken.add(`${d.name}:${entry}`);
      d.line = entry + 1;
      continue;
    }
    if (!c?.length) {
      const i = exact.get(d.text.trim());
      if (i !== undefined) d.line = i + 1;
      continue;
    }
    // Lines are handed out in order; the cursor skips those already given, so the pass stays linear.
    let k = cursor.get(d.name) ?? 0;
    while (k < c.length && taken.has(`${d.name}:${c[k]}`)) k++;
    cursor.set(d.name, k);
    if (k >= c.length) {
      d.line = c[0]! + 1;
      continue;
    }
    let pick = c[k]!;
    for (let j = k; j < Math.min(c.length, k + LOCATE_WINDOW); j++)
      if (d.text && !taken.has(`${d.name}:${c[j]}`) && lines[c[j]!]!.includes(d.text)) {
        pick = c[j]!;
        break;
      }
    taken.add(`${d.name}:${pick}`);
    d.line = pick + 1;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The index

export interface DependencyIndexResult {
  index: DependencyIndex;
  /** Manifests that could not be read, e.g. a pyproject.toml that is not TOML. */
  errors: ScanError[];
}

export class DependencyIndex {
  /** No declarations at all: what a single file scanned on its own sees. */
  static readonly EMPTY = new DependencyIndex(new Map());

  /** `sources`: the text of every file a declaration came from, by relative path. */
  constructor(
    private readonly byDir: ReadonlyMap<string, readonly Declaration[]>,
    readonly sources: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Each directory's declarations (see declaringDir), for a check that reads them all (lib/engine/advisories.ts). */
  directories(): Iterable<[string, readonly Declaration[]]> {
    return this.byDir.entries();
  }

  /**
   * Whether `pkg` can be installed below `limit` for the code in `file` (a relative path): the nearest directory
   * that declares it decides, else every declaration of it in the repository (below when any allows it).
   */
  mayBeBelow(file: string, pkg: string, limit: string): DependencyAnswer {
    const name = normalizeName(pkg);
    for (let dir: string | undefined = dirOf(file); dir !== undefined; dir = dir === "" ? undefined : dirOf(dir)) {
      const here = (this.byDir.get(dir) ?? []).filter((d) => d.name === name);
      if (here.length === 0) continue;
      const { requirements, constraints } = decidingDeclarations(here);
      return this.decide(requirements, constraints, limit);
    }
    // No directory above the file declares it: the repository's other declarations still say what it ships (a
    // Helm chart in deploy/ runs the image ml_app/Dockerfile builds), any of which may be the one installed.
    const elsewhere = [...this.byDir.values()].flat().filter((d) => d.name === name && !d.constraint);
    if (elsewhere.length) return this.decide(elsewhere, [], limit);
    return { below: true, found: `${pkg} is not pinned` };
  }

  private decide(requirements: Declaration[], constraints: Declaration[], limit: string): DependencyAnswer {
    // Constraints narrow what each requirement installs; on their own they still bound the version installed.
    const effective = requirements.length ? requirements : constraints;
    const constraintSpecs = constraints.length && requirements.length ? constraints.flatMap((c) => c.specs) : [];
    const allowsBelow = (d: Declaration) =>
      d.specs.some((s) =>
        constraintSpecs.length ? constraintSpecs.some((c) => specAllowsBelow(joinSpecs(s, c), limit)) : specAllowsBelow(s, limit),
      );
    const describe = (d: Declaration) =>
      d.specs.every((s) => s === "") && !d.locked ? `${d.text} in ${d.file}, with no version bound` : `${d.text} in ${d.file}`;
    const open = effective.find(allowsBelow);
    return open ? { below: true, found: describe(open) } : { below: false, found: describe(effective[0]!) };
  }
}

/**
 * Of one directory's declarations of one package, those that decide what is installed: a lock file's, when one
 * names it (it pins what is installed); else the requirements, with the constraints that narrow them apart.
 */
export function decidingDeclarations(here: readonly Declaration[]): { requirements: Declaration[]; constraints: Declaration[] } {
  const locked = here.filter((d) => d.locked);
  if (locked.length) return { requirements: locked, constraints: [] };
  return { requirements: here.filter((d) => !d.constraint), constraints: here.filter((d) => d.constraint) };
}

/** A requirement's specifier set narrowed by a constraint's (null: unreadable, allows anything). */
export function joinSpecs(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return [a, b].filter(Boolean).join(",");
}

/**
 * Reads every manifest given (`files`: relative path and text; Python files too, for their image build steps:
 * isImageStepSource) and the requirement files they include (through `read`, which returns undefined for a file
 * that is not there), and locates each declaration's line. Never throws: a manifest that cannot be parsed is
 * reported in `errors` and contributes nothing.
 */
export function buildDependencyIndex(
  files: readonly { path: string; text: string }[],
  read: (path: string) => string | undefined = () => undefined,
): DependencyIndexResult {
  const byDir = new Map<string, Declaration[]>();
  const errors: ScanError[] = [];
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const sources = new Map<string, string>();
  const add = (dir: string, ds: Declaration[]) => ds.length && (byDir.get(dir) ?? byDir.set(dir, []).get(dir)!).push(...ds);

  // A requirements file with the files it includes, transitively. Each included file is read once (a diamond of
  // includes would otherwise be read exponentially often); one that includes itself, directly or not, adds nothing
  // the second time.
  const expanded = new Map<string, Declaration[]>();
  const missing = new Set<string>();
  const requirements = (path: string, text: string, constraint: boolean): Declaration[] => {
    const key = `${constraint ? "c" : "r"}:${path}`;
    const done = expanded.get(key);
    if (done) return done;
    expanded.set(key, []);
    const r = readRequirementsText(text, path, { constraint });
    // A file reached along several paths contributes its declarations once (else a diamond doubles them per level).
    const all = [...new Set([...r.declarations, ...included(r.includes)])];
    expanded.set(key, all);
    return all;
  };
  const included = (includes: Reading["includes"]): Declaration[] =>
    includes.flatMap((inc) => {
      for (const path of [inc.path, ...(inc.or ?? [])]) {
        const text = texts.get(path) ?? read(path);
        if (text === undefined) continue;
        sources.set(path, text);
        return requirements(path, text, inc.constraint);
      }
      if (!missing.has(inc.path))
        errors.push({ path: inc.path, message: "included by a requirements file but not found in the repository" });
      missing.add(inc.path);
      return [];
    });

  // The interpreter a lock file's project runs on: the nearest .python-version at or above it (uv and pyenv read it).
  const projectPython = (path: string): string | undefined => {
    for (const dir of dirsUp(dirOf(path))) {
      const rel = dir ? `${dir}/.python-version` : ".python-version";
      const text = texts.get(rel) ?? read(rel);
      if (text !== undefined) return pythonVersionFile(text);
    }
    return undefined;
  };
  for (const { path, text } of files) {
    const base = path.slice(path.lastIndexOf("/") + 1);
    try {
      let ds: Declaration[];
      if (LOCK_FILES.has(base)) ds = readLock(text, path, projectPython(path));
      else if (base === "pyproject.toml") ds = readPyproject(text, path);
      else if (base === "Pipfile") ds = readPipfile(text, path);
      else if (base === "setup.py") ds = readSetupPy(text, path);
      else if (base === "setup.cfg") ds = readSetupCfg(text, path);
      else if (!CONDA_FILE.test(base) && !BENTOFILE.test(base) && isImageReferenceFile(path))
        ds = [...readImageReferences(text, path), ...(isDockerfile(path) ? readPipInstalls(text, path) : [])];
      else if (CONDA_FILE.test(base) || BENTOFILE.test(base) || base.endsWith(".py")) {
        const r = CONDA_FILE.test(base)
          ? readCondaEnvironment(text, path)
          : base.endsWith(".py")
            ? readImageSteps(text, path)
            : readBentofile(text, path);
        ds = [...r.declarations, ...included(r.includes)];
      } else ds = requirements(path, text, /^constraints/i.test(base));
      sources.set(path, text);
      add(declaringDir(path), ds);
    } catch (e) {
      errors.push({ path, message: `cannot read dependency declarations: ${(e as Error).message.split("\n")[0]}` });
    }
  }
  const byFile = new Map<string, Set<Declaration>>();
  for (const ds of byDir.values()) for (const d of ds) (byFile.get(d.file) ?? byFile.set(d.file, new Set()).get(d.file)!).add(d);
  for (const [file, ds] of byFile) {
    const text = sources.get(file);
    if (text !== undefined) locateDeclarations(text, file, [...ds]);
  }
  return { index: new DependencyIndex(byDir, sources), errors };
}
