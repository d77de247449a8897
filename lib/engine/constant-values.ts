/**
 * Whether a Python expression can only ever hold a value the code itself wrote: a literal, a name every binding of
 * which (in its function, else at module level) is such a value, a temporary directory, a core count, or those
 * joined, formatted or concatenated. A shell command assembled only from such values carries no outsider's text,
 * so a check whose source is "an interpolated command" (training-monitor.shell.wrapper-interpolated) does not
 * report it. Conservative: anything unknown (a parameter, an attribute, a call's result, input, the environment)
 * is not constant. Pure over the tree; walks only the function that holds the expression.
 */
import type { SgNode } from "@ast-grep/napi";

/** Calls whose result is fixed by the program or the machine, given constant arguments. */
const CONSTANT_CALLS =
  /^(os\.path\.(join|abspath|dirname|basename|expanduser|normpath|realpath)|str|int|float|len|os\.cpu_count|multiprocessing\.cpu_count|tempfile\.(mkdtemp|gettempdir|TemporaryDirectory|mkstemp)|Path|pathlib\.Path|shlex\.quote|pipes\.quote|sys\.executable)$/;
const LITERALS = new Set(["integer", "float", "true", "false", "none"]);
const MAX_DEPTH = 4;

/** The expressions a string-building node interpolates: f-string fields, `+` operands, `.format` and `%` arguments. */
export function interpolatedValues(source: SgNode): SgNode[] | undefined {
  const k = source.kind() as string;
  if (k === "string") return source.findAll({ rule: { kind: "interpolation" } }).map((i) => i.child(1) ?? i);
  if (k === "binary_operator") return [source.field("left"), source.field("right")].filter((n): n is SgNode => !!n);
  if (k === "call") return source.field("arguments") ? items(source.field("arguments")!) : [];
  return undefined;
}

/** True when every value the source interpolates is constant (see the module comment). */
export function builtFromConstants(source: SgNode): boolean {
  const values = interpolatedValues(source);
  return !!values && values.length > 0 && values.every((v) => isConstant(v, 0, new Set()));
}

/** Named children without comments (a list literal's items may be annotated). */
const items = (n: SgNode) => n.children().filter((c) => c.isNamed() && c.kind() !== "comment");

function enclosingScope(n: SgNode): SgNode {
  let p = n.parent();
  while (p && p.kind() !== "function_definition" && p.kind() !== "module") p = p.parent();
  return p ?? n.getRoot().root();
}

function isConstant(n: SgNode, depth: number, visiting: Set<string>): boolean {
  if (depth > MAX_DEPTH) return false;
  const k = n.kind() as string;
  if (LITERALS.has(k)) return true;
  if (k === "string") return interpolatedValues(n)!.every((v) => isConstant(v, depth + 1, visiting));
  if (k === "concatenated_string" || k === "parenthesized_expression" || k === "format_expression")
    return items(n).every((c) => isConstant(c, depth + 1, visiting));
  if (k === "binary_operator" || k === "boolean_operator")
    return [n.field("left"), n.field("right")].every((c) => !!c && isConstant(c, depth + 1, visiting));
  if (k === "conditional_expression")
    // `a if test else b`: the two values, not the test
    return [items(n)[0], items(n)[2]].every((c) => !!c && isConstant(c, depth + 1, visiting));
  if (k === "list" || k === "tuple") return items(n).every((c) => isConstant(c, depth + 1, visiting));
  if (k === "call") {
    const fn = n.field("function")?.text() ?? "";
    if (!CONSTANT_CALLS.test(fn)) return false;
    const args = n.field("arguments") ? items(n.field("arguments")!) : [];
    return args.every((a) => isConstant(a.kind() === "keyword_argument" ? (a.field("value") ?? a) : a, depth + 1, visiting));
  }
  if (k === "identifier") return isConstantName(n, depth, visiting);
  return false;
}

/** A name whose every binding in its scope (its function's, else the module's) binds a constant. */
function isConstantName(id: SgNode, depth: number, visiting: Set<string>): boolean {
  const name = id.text();
  if (/^[A-Z_][A-Z0-9_]*$/.test(name)) return true;
  let scope = enclosingScope(id);
  if (scope.kind() === "function_definition") {
    const params = scope.field("parameters");
    if (params?.find({ rule: { kind: "identifier", regex: `^${name}$` } })) return false;
  }
  let values = bindingsOf(scope, name);
  // Not bound in the function: a module-level name.
  if (values?.length === 0 && scope.kind() === "function_definition") {
    scope = scope.getRoot().root();
    values = bindingsOf(scope, name);
  }
  if (!values?.length) return false;
  const tag = `${scope.id()}:${name}`;
  if (visiting.has(tag)) return false;
  visiting.add(tag);
  try {
    return values.every((v) => isConstant(v, depth + 1, visiting));
  } finally {
    visiting.delete(tag);
  }
}

/**
 * The values a scope binds to a name (assignments, augmented assignments, `with ... as`, `for ... in` over a
 * literal list), or undefined when some binding's value cannot be known (unpacking, a global, a loop over data).
 * Nested functions and classes are their own scopes and are not searched.
 */
function bindingsOf(scope: SgNode, name: string): SgNode[] | undefined {
  const own = (n: SgNode) => enclosingScope(n).id() === scope.id();
  const re = `^${name}$`;
  const out: SgNode[] = [];
  for (const a of scope.findAll({
    rule: { any: [{ kind: "assignment" }, { kind: "augmented_assignment" }], has: { field: "left", regex: re } },
  })) {
    if (!own(a)) continue;
    if (a.field("left")?.kind() !== "identifier") return undefined;
    const right = a.field("right");
    if (!right) return undefined;
    out.push(right);
  }
  for (const w of scope.findAll({ rule: { kind: "as_pattern", has: { field: "alias", regex: re } } })) {
    if (!own(w)) continue;
    const value = w.child(0);
    if (!value) return undefined;
    out.push(value);
  }
  for (const f of scope.findAll({ rule: { kind: "for_statement", has: { field: "left", regex: re } } })) {
    if (!own(f)) continue;
    const right = f.field("right");
    if (f.field("left")?.kind() !== "identifier" || !right) return undefined;
    // the loop variable takes each item: constant when the iterated list is
    out.push(right);
  }
  if (scope.findAll({ rule: { any: [{ kind: "global_statement" }, { kind: "nonlocal_statement" }], regex: `\\b${name}\\b` } }).some(own))
    return undefined;
  return out;
}
