/**
 * Data flow across modules: which repository file a Python name comes from (the imports of a module, resolved
 * against the repository's own Python files), so a value can be followed into a helper defined in another
 * module, one level deep as inside a module. Imports are read from the text: they are line-shaped, and the
 * data-flow query need not grow a branch for them. Pure: no file system.
 */
import type { SgNode, SgRoot } from "@ast-grep/napi";
import { moduleHelpers, type CompiledTaint, type ImportedHelpersOf, type ModuleHelpers } from "./taint.ts";

/** One name an import statement binds in the importing module. */
export interface ImportBinding {
  /** The name as the importing module uses it: `run`, `lu`, `launch_utils`, `pkg.mod`. */
  local: string;
  /** The module named, without its leading dots: `mikazuki.launch_utils`, `api`, `` for `from . import x`. */
  module: string;
  /** The leading dots of a relative import (0 for an absolute one). */
  level: number;
  /** `from module import name`: the name imported (a function, class or submodule); unset for `import module`. */
  name?: string;
}

const FROM_IMPORT = /^[ \t]*from[ \t]+(\.*)([A-Za-z_][\w.]*)?[ \t]+import[ \t]+(\([^)]*\)|(?:[^\n#;\\]|\\\n)*)/gm;
const PLAIN_IMPORT = /^[ \t]*import[ \t]+([^\n#;]+)/gm;
const IDENT = /^[A-Za-z_][\w]*$/;
export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const DOTTED = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*$/;

/** The bindings of every import statement in a module's text (at any depth: a lazy import inside a function counts). */
export function parseImports(text: string): ImportBinding[] {
  const out: ImportBinding[] = [];
  for (const m of text.matchAll(FROM_IMPORT)) {
    const level = m[1]!.length;
    const module = m[2] ?? "";
    if (!level && !module) continue;
    const list = m[3]!
      .replace(/^\(|\)$/g, "")
      .replace(/\\\n/g, " ")
      .replace(/#[^\n]*/g, "");
    for (const part of list.split(",")) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if (!name || name === "*" || !IDENT.test(name) || (alias !== undefined && !IDENT.test(alias))) continue;
      out.push({ local: alias ?? name, module, level, name });
    }
  }
  for (const m of text.matchAll(PLAIN_IMPORT)) {
    for (const part of m[1]!.split(",")) {
      const [module, alias] = part.trim().split(/\s+as\s+/);
      if (!module || !DOTTED.test(module) || (alias !== undefined && !IDENT.test(alias))) continue;
      out.push({ local: alias ?? module, module, level: 0 });
    }
  }
  return out;
}

/** A repository's Python modules by dotted name, from their paths. */
export class ModuleIndex {
  /** Every dotted suffix of every module's name (`a.b.c`, `b.c`, `c`) → the files it could name. */
  private bySuffix = new Map<string, string[]>();
  private files = new Set<string>();

  constructor(pythonFiles: Iterable<string>) {
    for (const rel of pythonFiles) {
      if (!rel.endsWith(".py")) continue;
      this.files.add(rel);
      const parts = rel.slice(0, -3).split("/");
      if (parts[parts.length - 1] === "__init__") parts.pop();
      // The package root is unknown (src/ layouts, scripts run from a subfolder): any suffix may be the name.
      for (let i = 0; i < parts.length; i++) {
        const name = parts.slice(i).join(".");
        if (!name) continue;
        const list = this.bySuffix.get(name) ?? this.bySuffix.set(name, []).get(name)!;
        list.push(rel);
      }
    }
  }

  /**
   * The file a module name means to the importer: relative imports from the importer's package; absolute ones
   * by the longest matching suffix, and among several, the one closest to the importer. Undefined when the
   * module is not the repository's own (an installed package) or the match is a tie.
   */
  resolve(importer: string, module: string, level: number): string | undefined {
    if (level > 0) {
      const dir = importer.split("/").slice(0, -1);
      if (level - 1 > dir.length) return undefined;
      const path = [...dir.slice(0, dir.length - (level - 1)), ...(module ? module.split(".") : [])].join("/");
      return [`${path}.py`, `${path}/__init__.py`].find((f) => this.files.has(f));
    }
    const candidates = this.bySuffix.get(module);
    if (!candidates?.length) return undefined;
    // A candidate must be named by the whole module name, so `utils` does not resolve to every utils.py at once.
    if (candidates.length === 1) return candidates[0];
    const shared = (f: string) => {
      const a = f.split("/");
      const b = importer.split("/");
      let n = 0;
      while (n < a.length - 1 && n < b.length - 1 && a[n] === b[n]) n++;
      return n;
    };
    const ranked = candidates.map((f) => ({ f, s: shared(f) })).sort((x, y) => y.s - x.s);
    return ranked[0]!.s > ranked[1]!.s ? ranked[0]!.f : undefined;
  }
}

/** A name in the importing module that stands for something defined in another file of the repository. */
export type ImportedSymbol =
  /** a module object: `launch_utils` in `launch_utils.run(...)` */
  | { kind: "module"; file: string }
  /** a function or class of a module: `run`, `ManagementAPI` */
  | { kind: "symbol"; file: string; name: string };

/** What each imported name of a module refers to in the repository; names from installed packages are left out. */
export function importedSymbols(importer: string, text: string, index: ModuleIndex): Map<string, ImportedSymbol> {
  const out = new Map<string, ImportedSymbol>();
  for (const b of parseImports(text)) {
    if (b.name === undefined) {
      const file = index.resolve(importer, b.module, b.level);
      if (file) out.set(b.local, { kind: "module", file });
      continue;
    }
    // `from pkg import mod` names a submodule when there is one; otherwise a name defined in pkg.
    const sub = index.resolve(importer, b.module ? `${b.module}.${b.name}` : b.name, b.level);
    if (sub) {
      out.set(b.local, { kind: "module", file: sub });
      continue;
    }
    const file = index.resolve(importer, b.module, b.level);
    if (file) out.set(b.local, { kind: "symbol", file, name: b.name });
  }
  return out;
}

/** The repository files a module imports from (to parse them for the data-flow layer when it is). */
export function importedFiles(importer: string, text: string, index: ModuleIndex): string[] {
  return [...new Set([...importedSymbols(importer, text, index).values()].map((s) => s.file))].filter((f) => f !== importer);
}

/**
 * Names bound to instances of imported classes: `api = ManagementAPI(...)`, `self.client = Client(...)`. Name
 * based, over the whole module (a name assigned in one function and returned to another keeps its class); a
 * name assigned instances of two different classes is ambiguous and left out.
 */
export function instanceBindings(text: string, imported: ReadonlyMap<string, ImportedSymbol>): Map<string, { file: string; name: string }> {
  const classes = [...imported].filter(([, s]) => s.kind === "symbol" && /^[A-Z]/.test(s.name));
  const out = new Map<string, { file: string; name: string } | null>();
  if (!classes.length) return new Map();
  const names = classes.map(([local]) => escapeRegex(local)).join("|");
  const re = new RegExp(`^[ \\t]*((?:self\\.)?[A-Za-z_]\\w*)[ \\t]*(?::[^=\\n]+)?=[ \\t]*(${names})[ \\t]*\\(`, "gm");
  for (const m of text.matchAll(re)) {
    const s = imported.get(m[2]!) as { file: string; name: string };
    const prev = out.get(m[1]!);
    if (prev === undefined) out.set(m[1]!, { file: s.file, name: s.name });
    else if (prev && (prev.file !== s.file || prev.name !== s.name)) out.set(m[1]!, null);
  }
  return new Map([...out].filter((e): e is [string, { file: string; name: string }] => e[1] !== null));
}

/**
 * Where a callee written in the importing module is defined: `run` / `launch_utils.run` → (file, "run"),
 * `api.register_model` for an instance of an imported class → (file, "ManagementAPI.register_model"), with
 * `method` set when the first parameter is the instance.
 */
export function resolveCallee(
  callee: string,
  imported: ReadonlyMap<string, ImportedSymbol>,
  instances: ReadonlyMap<string, { file: string; name: string }>,
): { file: string; name: string; method: boolean } | undefined {
  const direct = imported.get(callee);
  if (direct?.kind === "symbol") return { file: direct.file, name: direct.name, method: false };
  const dot = callee.lastIndexOf(".");
  if (dot < 0) return undefined;
  const owner = callee.slice(0, dot);
  const attr = callee.slice(dot + 1);
  const mod = imported.get(owner);
  if (mod?.kind === "module") return { file: mod.file, name: attr, method: false };
  const inst = instances.get(owner);
  if (inst) return { file: inst.file, name: `${inst.name}.${attr}`, method: true };
  return undefined;
}

/**
 * The data-flow query's results of every file a scan parsed for it (the files data-flow checks selected, and
 * the repository modules those import), kept until each file's checks have run: a file's calls into another
 * module are resolved against that module's own parse, so each file is still parsed once.
 */
const rolesKeys = new WeakMap<CompiledTaint, string>();
function rolesKeyOf(compiled: CompiledTaint): string {
  let k = rolesKeys.get(compiled);
  if (k === undefined) rolesKeys.set(compiled, (k = JSON.stringify([...compiled.roles].sort())));
  return k;
}

export class RepositoryFlow {
  private files = new Map<string, { root: SgRoot; nodes: readonly SgNode[]; tags: string[][] }>();
  private exports = new Map<string, Map<string, ModuleHelpers>>();

  constructor(private index: ModuleIndex) {}

  add(rel: string, root: SgRoot, nodes: readonly SgNode[], tags: string[][]): void {
    this.files.set(rel, { root, nodes, tags });
  }

  /** The other modules' helpers `rel` calls, for the checks it runs; undefined when it calls none we parsed. */
  importsOf(rel: string): ImportedHelpersOf | undefined {
    const file = this.files.get(rel);
    if (!file) return undefined;
    const text = file.root.root().text();
    const imported = new Map([...importedSymbols(rel, text, this.index)].filter(([, s]) => s.file !== rel && this.files.has(s.file)));
    if (!imported.size) return undefined;
    const instances = instanceBindings(text, imported);
    return (compiled) => {
      // Only callees that can name a helper with a sink of this check: most imports name none, and then the
      // file needs no search for calls at all.
      const alternatives: string[] = [];
      const names = (file: string) => this.exportsOf(file, compiled).names();
      for (const [local, s] of imported) {
        if (s.kind === "symbol" && names(s.file).includes(s.name)) alternatives.push(escapeRegex(local));
        if (s.kind === "module") {
          const fns = names(s.file).filter((n) => !n.includes("."));
          if (fns.length) alternatives.push(`${escapeRegex(local)}\\.(?:${fns.map(escapeRegex).join("|")})`);
        }
      }
      for (const [local, cls] of instances) {
        const methods = names(cls.file)
          .filter((n) => n.startsWith(`${cls.name}.`))
          .map((n) => n.slice(cls.name.length + 1));
        if (methods.length) alternatives.push(`${escapeRegex(local)}\\.(?:${methods.map(escapeRegex).join("|")})`);
      }
      if (!alternatives.length) return undefined;
      return {
        calleeRegex: `^(?:${alternatives.join("|")})$`,
        helperOf: (callee) => {
          const target = resolveCallee(callee, imported, instances);
          if (!target) return undefined;
          const h = this.exportsOf(target.file, compiled).get(target.name);
          return h && h.method === target.method ? { ...h, name: callee } : undefined;
        },
      };
    };
  }

  private exportsOf(rel: string, compiled: CompiledTaint): ModuleHelpers {
    const byRoles = this.exports.get(rel) ?? this.exports.set(rel, new Map()).get(rel)!;
    const rolesKey = rolesKeyOf(compiled);
    let out = byRoles.get(rolesKey);
    if (!out) {
      const f = this.files.get(rel)!;
      byRoles.set(rolesKey, (out = moduleHelpers(f.root, f.nodes, compiled, f.tags)));
    }
    return out;
  }
}
