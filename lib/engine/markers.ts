/**
 * PEP 508 environment markers, asked one question: can this marker hold on the project's Python? A lock file
 * resolves some packages once per Python range (uv's `resolution-markers`, poetry's `markers`, pdm's `marker`):
 * `ray 2.8.1` for `python_full_version < '3.8'` beside `ray 2.47.1` for 3.12. Only the entry the project's
 * interpreter takes is installed, so the others declare nothing about what runs.
 *
 * Only python_version and python_full_version are known; every other variable (sys_platform, extra, ...) may be
 * anything, so a clause on it is "unknown" and the answer is false only when the marker cannot hold whatever
 * those are (three-valued logic). A marker this reader cannot parse can hold.
 */
import { versionIn } from "./pep440.ts";

type Truth = boolean | undefined;

const TOKEN = /\s*(?:(\()|(\))|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)|(and\b|or\b)|("[^"]*"|'[^']*')|([A-Za-z_][A-Za-z0-9_.]*))/y;

interface Token {
  kind: "(" | ")" | "op" | "bool" | "string" | "name";
  text: string;
}

function tokens(marker: string): Token[] | undefined {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < marker.length) {
    if (/^\s*$/.test(marker.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(marker);
    if (!m) return undefined;
    if (m[1]) out.push({ kind: "(", text: "(" });
    else if (m[2]) out.push({ kind: ")", text: ")" });
    else if (m[3]) out.push({ kind: "op", text: m[3].replace(/\s+/, " ") });
    else if (m[4]) out.push({ kind: "bool", text: m[4] });
    else if (m[5]) out.push({ kind: "string", text: m[5].slice(1, -1) });
    else out.push({ kind: "name", text: m[6]! });
  }
  return out;
}

const FLIPPED: Record<string, string> = { "<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!=", "===": "===" };

/** Whether `marker` can hold where Python is `python` ("3.12" or "3.12.11", as a .python-version file says). */
export function markerAdmits(marker: string, python: string): boolean {
  const ts = tokens(marker);
  if (!ts?.length) return true;
  const [major, minor] = python.split(".");
  const values: Record<string, string> = { python_version: `${major}.${minor}`, python_full_version: python };
  let i = 0;
  const clause = (): Truth | null => {
    const a = ts[i++];
    const op = ts[i++];
    const b = ts[i++];
    if (!a || !b || op?.kind !== "op" || (a.kind !== "name" && a.kind !== "string") || (b.kind !== "name" && b.kind !== "string"))
      return null;
    const known = a.kind === "name" ? values[a.text] : b.kind === "name" ? values[b.text] : undefined;
    if (known === undefined || (a.kind === "name") === (b.kind === "name")) return undefined;
    const literal = a.kind === "name" ? b.text : a.text;
    const operator = a.kind === "name" ? op.text : FLIPPED[op.text];
    if (!operator || operator === "in" || operator === "not in") return undefined;
    if (operator === "===") return known === literal;
    return versionIn(known, `${operator}${literal}`);
  };
  const atom = (): Truth | null => {
    if (ts[i]?.kind === "(") {
      i++;
      const v = or();
      if (ts[i++]?.kind !== ")") return null;
      return v;
    }
    return clause();
  };
  // `a and b and c` / `a or b`: operands joined left to right in three-valued logic; null when one fails to parse
  const joined = (operand: () => Truth | null, word: string, join: (a: Truth, b: Truth) => Truth) => (): Truth | null => {
    let v = operand();
    while (v !== null && ts[i]?.text === word) {
      i++;
      const w = operand();
      if (w === null) return null;
      v = join(v, w);
    }
    return v;
  };
  const and = joined(atom, "and", (a, b) => (a === false || b === false ? false : a === true && b === true ? true : undefined));
  const or = joined(and, "or", (a, b) => (a === true || b === true ? true : a === false && b === false ? false : undefined));
  const v = or();
  return v === null || i < ts.length || v !== false;
}

/** The interpreter a `.python-version` file names ("3.12.11", "3.12"), if it names one plain CPython version. */
export function pythonVersionFile(text: string): string | undefined {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith("#"));
  const m = first && /^(?:cpython-|python)?(3\.\d+(?:\.\d+)?)$/.exec(first);
  return m ? m[1] : undefined;
}
