/**
 * Code that loads a model file, linked to what Posture found in that file. A finding of a check with
 * `loadsModelFile` records the path its call names; once the whole repository is scanned, it is joined to the
 * model-file (artifact) findings at that path, and both sides name each other: "this handler loads model.pt,
 * which imports os.system". Dedicated model scanners see only the file, code scanners only the call.
 *
 * A path is followed as far as literals take it: a string, os.path.join / pathlib `/` / `+` of literals, open(),
 * Path(), and a local name assigned (or bound by `with open(...) as f`) once before the call. Where a part is not
 * a literal (a model_dir parameter), the literal tail is matched as a suffix of the model file's path.
 */
import { posix } from "node:path";
import type { SgNode } from "@ast-grep/napi";
import type { Finding, RelatedFinding } from "./types.ts";

export interface LoadedPath {
  path: string;
  /** Only the tail is known: matches a model file whose path ends with it. */
  suffix: boolean;
}

const JOIN = /^(os\.path\.join|posixpath\.join|path\.join|osp\.join|join)$/;
const PATH_CTOR = /^(pathlib\.)?(Pure)?(Posix)?Path$|^str$|^os\.fspath$/;
const OPEN = /^(open|io\.open|gzip\.open|bz2\.open|lzma\.open|builtins\.open|fsspec\.open|tf\.io\.gfile\.GFile|smart_open\.open)$/;
/** Keyword names loaders give their path or file argument. */
const PATH_KEYWORDS =
  /^(f|file|filename|fname|path|filepath|file_path|model_path|checkpoint|checkpoint_path|pretrained_model_name_or_path)$/;
const MAX_DEPTH = 4;

function stringValue(node: SgNode): LoadedPath | undefined {
  const parts = node.children();
  if (parts.some((c) => c.kind() === "interpolation")) {
    // f"{model_dir}/model.pt": the text after the last placeholder is the file's name
    const last = [...parts].reverse().find((c) => c.kind() === "interpolation")!;
    const tail = parts
      .filter((c) => c.kind() === "string_content" && c.range().start.index >= last.range().end.index)
      .map((c) => c.text())
      .join("");
    const clean = tail.replace(/^[/\\]+/, "");
    return clean ? { path: clean, suffix: true } : undefined;
  }
  const content = parts
    .filter((c) => c.kind() === "string_content" || c.kind() === "escape_sequence")
    .map((c) => c.text())
    .join("");
  return content ? { path: content, suffix: false } : undefined;
}

/** os.path.join / pathlib `/`: from the last part that is unknown, only a tail, or absolute. */
function joined(parts: (LoadedPath | undefined)[]): LoadedPath | undefined {
  let j = -1;
  parts.forEach((p, i) => {
    if (!p || p.suffix || p.path.startsWith("/")) j = i;
  });
  if (j === -1) return { path: posix.join(...parts.map((p) => p!.path)), suffix: false };
  const at = parts[j];
  const rest = parts.slice(j + 1).map((p) => p!.path);
  if (!at) return rest.length ? { path: posix.join(...rest), suffix: true } : undefined;
  return { path: posix.join(at.path, ...rest), suffix: at.suffix };
}

function argumentsOf(call: SgNode): SgNode[] {
  return (call.field("arguments")?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== "comment");
}

/** The assignment (or `with ... as`) that gives `name` its value last before `at`, in the enclosing function or module. */
function definitionOf(name: string, at: SgNode): SgNode | undefined {
  const scope = at.ancestors().find((a) => a.kind() === "function_definition" || a.kind() === "module");
  if (!scope) return undefined;
  const before = at.range().start.index;
  let found: SgNode | undefined;
  for (const a of scope.findAll({ rule: { any: [{ kind: "assignment" }, { kind: "as_pattern" }] } })) {
    if (a.range().start.index >= before) continue;
    if (a.kind() === "assignment") {
      if (a.field("left")?.text() === name && a.field("right")) found = a.field("right")!;
    } else {
      const alias = a.field("alias")?.text();
      const value = a.children().find((c) => c.isNamed() && c.kind() !== "as_pattern_target");
      if (alias === name && value) found = value;
    }
  }
  return found;
}

export function pathOf(node: SgNode, depth = 0): LoadedPath | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (node.kind()) {
    case "string":
      return stringValue(node);
    case "concatenated_string":
      return joinedText(
        node
          .children()
          .filter((c) => c.kind() === "string")
          .map((c) => stringValue(c)),
      );
    case "parenthesized_expression": {
      const inner = node.children().find((c) => c.isNamed());
      return inner && pathOf(inner, depth + 1);
    }
    case "identifier": {
      const def = definitionOf(node.text(), node);
      return def && pathOf(def, depth + 1);
    }
    case "binary_operator": {
      const op = node.field("operator")?.text();
      const left = node.field("left");
      const right = node.field("right");
      if (!left || !right) return undefined;
      if (op === "/") return joined([pathOf(left, depth + 1), pathOf(right, depth + 1)]);
      if (op === "+") return joinedText([pathOf(left, depth + 1), pathOf(right, depth + 1)]);
      return undefined;
    }
    case "call": {
      const fn = node.field("function")?.text() ?? "";
      const args = argumentsOf(node).filter((a) => a.kind() !== "keyword_argument");
      if (JOIN.test(fn)) return joined(args.map((a) => pathOf(a, depth + 1)));
      if ((PATH_CTOR.test(fn) || OPEN.test(fn)) && args[0]) return pathOf(args[0], depth + 1);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** "a" + "b": a literal when every piece is; else the literal tail. */
function joinedText(parts: (LoadedPath | undefined)[]): LoadedPath | undefined {
  let i = parts.length - 1;
  let tail = "";
  while (i >= 0 && parts[i] && !parts[i]!.suffix) tail = parts[i--]!.path + tail;
  if (i < 0) return tail ? { path: tail, suffix: false } : undefined;
  const unknownEnd = parts[i]?.suffix ? parts[i]!.path : "";
  const path = (unknownEnd + tail).replace(/^[/\\]+/, "");
  return path ? { path, suffix: true } : undefined;
}

/** The path a loader call's file argument names, when literals say. */
export function loadedPath(call: SgNode): LoadedPath | undefined {
  const args = argumentsOf(call);
  const positional = args.find((a) => a.kind() !== "keyword_argument" && a.kind() !== "list_splat" && a.kind() !== "dictionary_splat");
  const keyword = args.find((a) => a.kind() === "keyword_argument" && PATH_KEYWORDS.test(a.field("name")?.text() ?? ""))?.field("value");
  const arg = positional ?? keyword;
  return arg ? pathOf(arg) : undefined;
}

/** The model files (paths of artifact findings) a loaded path names, from the loading file's directory. */
function filesNamed(loaded: LoadedPath, fromFile: string, modelFiles: readonly string[]): string[] {
  const clean = posix.normalize(loaded.path.replace(/\\/g, "/"));
  if (!loaded.suffix && !clean.startsWith("/")) {
    const candidates = new Set([posix.normalize(posix.join(posix.dirname(fromFile), clean)), clean.replace(/^\.\//, "")]);
    const exact = modelFiles.filter((f) => candidates.has(f));
    if (exact.length) return exact;
  }
  // A tail (or an absolute path inside an image): the model file whose path ends with it.
  const tail = clean.replace(/^\/+/, "").replace(/^(\.\.?\/)+/, "");
  if (!tail || tail === ".") return [];
  return modelFiles.filter((f) => f === tail || f.endsWith(`/${tail}`));
}

function related(f: Finding, link: RelatedFinding["link"]): RelatedFinding {
  return { link, ruleId: f.ruleId, path: f.path, line: f.line, severity: f.severity, message: f.message, fingerprint: f.fingerprint };
}

/**
 * Joins loader findings to the model-file findings their paths name, both ways. `loads` holds what each loader
 * finding's call names. Findings are changed in place (their `related` list).
 */
export function linkModelLoads(
  findings: readonly Finding[],
  loads: ReadonlyMap<Finding, LoadedPath>,
  isModelFinding: (f: Finding) => boolean,
): void {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) if (isModelFinding(f)) (byFile.get(f.path) ?? byFile.set(f.path, []).get(f.path)!).push(f);
  if (!byFile.size) return;
  const files = [...byFile.keys()];
  for (const [loader, loaded] of loads)
    for (const file of filesNamed(loaded, loader.path, files))
      for (const model of byFile.get(file)!) {
        (loader.related ??= []).push(related(model, "loads"));
        (model.related ??= []).push(related(loader, "loaded-by"));
      }
}
