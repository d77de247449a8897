// Prints the syntax tree ast-grep sees, for writing rules: `node --import tsx bench/dump-ast.ts python 'code'` or a file path.
import { existsSync, readFileSync } from "node:fs";
import { parse, registerDynamicLanguage, type SgNode } from "@ast-grep/napi";
import python from "@ast-grep/lang-python";
import yaml from "@ast-grep/lang-yaml";

registerDynamicLanguage({ python, yaml } as never);
const [lang, arg] = process.argv.slice(2);
if ((lang !== "python" && lang !== "yaml") || !arg) {
  console.error("usage: dump-ast.ts python|yaml <code or file>");
  process.exit(2);
}
const src = existsSync(arg) ? readFileSync(arg, "utf8") : arg;
const dump = (n: SgNode, depth: number, field: string | null) => {
  const r = n.range();
  const text = n.isLeaf() ? ` ${JSON.stringify(n.text())}` : "";
  console.log(`${"  ".repeat(depth)}${field ? `${field}: ` : ""}${n.kind()} [${r.start.line + 1}:${r.start.column + 1}]${text}`);
  for (const c of n.children()) dump(c, depth + 1, null);
};
dump(parse(lang, src).root(), 0, null);
