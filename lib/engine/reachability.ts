/**
 * Whether a repository's code reaches the part of a package an advisory is about, as Semgrep Supply Chain's
 * reachability does: a vulnerable `transformers` whose flaw is in RagRetriever is a finding in a repository that
 * builds a RagRetriever, and an upgrade chore in one that only builds pipelines by name.
 *
 * An advisory may say what reaches it (advisory-set.ts, `reachable`):
 * - `uses`: Python the vulnerable part is entered through. A dotted name (`torch.load`, `fastapi.UploadFile`,
 *   `torch.distributed.rpc`) is matched through the file's imports (`import torch as t` … `t.load(`,
 *   `from fastapi import UploadFile`, `from torch.distributed import rpc`); a string with a metavariable is an
 *   ast-grep pattern (`$R.form($$$)`), and an object an ast-grep rule (a parameter annotated `Path`).
 * - `mentions`: words whose appearance in any of the repository's files turns the vulnerable part on (a launch
 *   flag, a connector's name in a JSON config).
 *
 * The code that counts for a manifest is the production, example and build code under the manifest's own
 * folder (the project it installs for), or the whole repository's when that folder holds no Python. With no such
 * code at all there is nothing to judge by, and the advisory is reachable; an advisory that says nothing is
 * always reachable (the server itself is the vulnerable part). Text first: a file is parsed only when it holds
 * the word a use needs.
 */
import { parse, type NapiConfig, type SgRoot } from "@ast-grep/napi";
import { ensureLanguages } from "./compile.ts";
import { dirOf } from "./context.ts";
import { escapeRegex, parseImports } from "./imports.ts";
import type { CodeContext } from "./types.ts";

/** An ast-grep rule object (`{ kind, has, regex, … }`), as a check's `match.rule`. */
export type UseRule = Record<string, unknown>;
export type Use = string | UseRule;

export interface Reachable {
  uses: readonly Use[];
  mentions: readonly string[];
}

/** Why an advisory was judged as it was: the file and what it uses, or why nothing could be judged. */
export type Reach = { reached: true; by?: { path: string; use: string } } | { reached: false; looked: number };

const DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
const STAR_IMPORT = /^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+\*/gm;
const WORD = /[A-Za-z_][\w]*/g;
/** Contexts whose code does not ship with what the manifest installs. */
const NOT_SHIPPED: ReadonlySet<CodeContext> = new Set(["test", "docs"]);

export const isDottedUse = (u: Use): boolean => typeof u === "string" && DOTTED.test(u);
export const describeUse = (u: Use) => (typeof u === "string" ? u : JSON.stringify(u));

/** The word a file must hold for a use to be possible in it: the name's last part, or a pattern's longest word. */
export function useNeedle(u: Use): string | undefined {
  if (typeof u === "string" && isDottedUse(u)) return u.slice(u.lastIndexOf(".") + 1);
  const words =
    typeof u === "string"
      ? (u.replace(/\$+[A-Z_][A-Z0-9_]*/g, " ").match(WORD) ?? [])
      : [...JSON.stringify(u).matchAll(/"(?:regex|pattern)":"\^?([A-Za-z_]\w*)/g)].map((m) => m[1]!);
  return [...words].sort((a, b) => b.length - a.length)[0];
}

/** Problems with a `reachable` field, for the advisory file's validation (empty when fine). */
export function reachableProblems(r: Reachable): string[] {
  const problems: string[] = [];
  for (const u of r.uses) {
    if (!useNeedle(u)) problems.push(`use ${describeUse(u)} names no word a file could be searched for`);
    if (typeof u === "string" && !isDottedUse(u) && !/\$/.test(u))
      problems.push(`use "${u}" is neither a dotted name (torch.load) nor a pattern with a metavariable ($R.form())`);
  }
  for (const m of r.mentions) if (!/^[\w.-]+$/.test(m)) problems.push(`mention "${m}" is not a word (letters, digits, _ . -)`);
  return problems;
}

/**
 * Whether a module's text uses a dotted name: imports the thing itself (or something inside it), or imports a
 * module above it and spells the rest (`import torch` … `torch.load`, `import torch as t` … `t.load`).
 */
export function textUsesName(text: string, name: string): boolean {
  const spelled = (local: string, rest: string) =>
    new RegExp(`(?<![\\w.])${[...(local ? local.split(".") : []), ...rest.split(".")].map(escapeRegex).join("\\s*\\.\\s*")}(?!\\w)`).test(
      text,
    );
  // `from transformers import *` binds every public name of the module: a bare `pipeline(` is transformers.pipeline.
  for (const [, module] of text.matchAll(STAR_IMPORT)) {
    if (module === name || module!.startsWith(`${name}.`)) return true;
    if (name.startsWith(`${module}.`) && spelled("", name.slice(module!.length + 1))) return true;
  }
  for (const b of parseImports(text)) {
    if (b.level > 0) continue;
    const full = b.name === undefined ? b.module : b.module ? `${b.module}.${b.name}` : b.name;
    if (full === name || full.startsWith(`${name}.`)) return true;
    if (name.startsWith(`${full}.`) && spelled(b.local, name.slice(full.length + 1))) return true;
  }
  return false;
}

interface SeenFile {
  rel: string;
  python: boolean;
  /** The needles this file holds, and its text when it holds one a use needs (to confirm the use). */
  words: Set<string>;
  text?: string;
}

/**
 * What pass 1 saw of each file, for the reachability of a scan's advisories: fed every file as it is read, asked
 * once per advisory hit. Holds the text of only the few files that mention a needle.
 */
export class ReachabilityIndex {
  private readonly needle: RegExp | null;
  private readonly useNeedles: Set<string>;
  private readonly files: SeenFile[] = [];
  private readonly trees = new Map<string, SgRoot>();
  private readonly memo = new Map<string, Reach>();

  constructor(reachables: readonly Reachable[]) {
    this.useNeedles = new Set(reachables.flatMap((r) => r.uses.map(useNeedle).filter((w): w is string => !!w)));
    const words = [...new Set([...this.useNeedles, ...reachables.flatMap((r) => r.mentions)])].sort((a, b) => b.length - a.length);
    this.needle = words.length ? new RegExp(`(?<!\\w)(?:${words.map(escapeRegex).join("|")})(?![\\w-])`, "g") : null;
  }

  see(rel: string, text: string, context: CodeContext): void {
    if (NOT_SHIPPED.has(context)) return;
    // A setup script declares dependencies, it does not use them: it is no code to judge a manifest by.
    const python = rel.endsWith(".py") && !/(?:^|\/)setup\.py$/.test(rel);
    const words = new Set<string>();
    if (this.needle) for (const m of text.matchAll(this.needle)) words.add(m[0]);
    const keep = python && [...words].some((w) => this.useNeedles.has(w));
    // Every shipped Python file is noted (it is code to judge by); others only when they mention something.
    if (!python && !words.size) return;
    this.memo.clear();
    this.files.push({ rel, python, words, ...(keep ? { text } : {}) });
  }

  /** Whether the code that counts for a manifest reaches what the advisory names (see the module comment). */
  reach(r: Reachable | undefined, manifest: string): Reach {
    if (!r) return { reached: true };
    const dir = dirOf(manifest);
    const under = (f: SeenFile) => !dir || f.rel.startsWith(`${dir}/`);
    const own = this.files.some((f) => f.python && under(f));
    const scoped = own ? this.files.filter(under) : this.files;
    const key = `${JSON.stringify(r)}\0${own ? dir : ""}`;
    const known = this.memo.get(key);
    if (known) return known;
    const judged = scoped.filter((f) => f.python).length;
    let out: Reach = judged ? { reached: false, looked: judged } : { reached: true };
    if (judged)
      search: for (const f of scoped) {
        for (const m of r.mentions)
          if (f.words.has(m)) {
            out = { reached: true, by: { path: f.rel, use: m } };
            break search;
          }
        if (!f.text) continue;
        for (const u of r.uses) {
          const w = useNeedle(u);
          if (!w || !f.words.has(w) || !this.uses(f, u)) continue;
          out = { reached: true, by: { path: f.rel, use: describeUse(u) } };
          break search;
        }
      }
    this.memo.set(key, out);
    return out;
  }

  private uses(f: SeenFile, u: Use): boolean {
    if (typeof u === "string" && isDottedUse(u)) return textUsesName(f.text!, u);
    ensureLanguages();
    let tree = this.trees.get(f.rel);
    if (!tree) this.trees.set(f.rel, (tree = parse("python" as never, f.text!)));
    return tree.root().find(typeof u === "string" ? u : ({ rule: u } as NapiConfig)) !== null;
  }
}
