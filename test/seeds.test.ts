/**
 * The rulebooks in ../shared/seeds/ are the source of the rules: every code-bearing "Don't" example must be caught
 * by its own policy's checks, and the policy's "Do" code must raise nothing from that policy. Each example is
 * placed as it would sit in a real repository: a Python snippet in a module with its own block's imports and
 * those of the policy's Do block; a configuration text quoted in the document (config.properties, bentofile.yaml,
 * a Kubernetes manifest, a Dockerfile) in a file of its own kind; a shell example in a script.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileChecks, type CompiledRulebook } from "../lib/engine/compile.ts";
import { scanText } from "../lib/engine/match.ts";
import { loadRulebook, type Policy } from "../lib/engine/rulebook.ts";
import type { Finding } from "../lib/engine/types.ts";

const SEEDS = join(import.meta.dirname, "..", "..", "shared", "seeds");
const RULES = join(import.meta.dirname, "..", "rules");

/** One file of a placed example; findings count from `firstLine` (1-based), so an imports header is not the example. */
interface PlacedFile {
  path: string;
  text: string;
  firstLine: number;
}

interface Example {
  policy: string;
  kind: "dont" | "do";
  /** The example's own description ("Pickle-based model loading"), or the block for a Do. */
  label: string;
  files: PlacedFile[];
  /** Why nothing could be placed: the example is prose or a fragment with no file it belongs in. */
  skipped?: string;
}

/**
 * Examples the rules do not catch yet, each with the reason; the test asserts they are still missed, so an entry
 * must go when its check lands. Keys are `<policy title> / <example label>`.
 */
const knownGaps: Record<string, string> = {};

const FENCE = /^```([\w-]*)\n([\s\S]*?)^```$/gm;
const TOP_LEVEL_IMPORT = /^(?:import\s+\S|from\s+\S+\s+import\s)/;

function topLevelImports(code: string): string[] {
  // a parenthesized import continues until its closing parenthesis
  const out: string[] = [];
  const lines = code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!TOP_LEVEL_IMPORT.test(lines[i]!)) continue;
    let stmt = lines[i]!;
    while (stmt.includes("(") && !stmt.includes(")") && i + 1 < lines.length) stmt += `\n${lines[++i]}`;
    out.push(stmt);
  }
  return out;
}

const FILE_NAME = /(?:^|[\s#])((?:[\w.-]+\/)*(?:[\w-]+\.(?:ya?ml|properties|py|sh|toml|json|cfg|template)|Dockerfile(?:\.[\w-]+)?))\b/;

/**
 * The file a quoted configuration text belongs in: the name the document gives it (in the text's first comment
 * or the comment just above it), else what its content is. Undefined when it is prose or a command fragment.
 */
function configPath(text: string, commentAbove: string): string | undefined {
  const firstComment = /^\s*#(.*)$/m.exec(text.trimStart())?.[0] ?? "";
  const named = FILE_NAME.exec(text.trimStart().startsWith("#") ? firstComment : "") ?? FILE_NAME.exec(commentAbove);
  if (named) return named[1]!;
  const body = text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
  if (body.length === 0) return undefined;
  if (body.some((l) => /^\s*(class|def|import|from)\s/.test(l))) return "handler.py";
  if (body.some((l) => /^FROM\s+\S/.test(l))) return "Dockerfile";
  if (body.every((l) => /^\s*[a-z_][\w.]*\s*=/.test(l))) return "config/config.properties";
  if (body.some((l) => /^\s*-?\s*(apiVersion|kind|containers|securityContext|resources|metadata|spec)\s*:/.test(l)))
    return "k8s/deployment.yaml";
  if (body.some((l) => /^(services|volumes|ports)\s*:/.test(l))) return "docker-compose.yml";
  if (body.some((l) => /^(service|include|exclude|python|docker|conda|envs|models|labels)\s*:/.test(l))) return "bentofile.yaml";
  if (body.every((l) => /^\s*[\w-]+(\s+\S+)*\s*\\?$/.test(l) && !/[(){}]/.test(l))) return "scripts/run.sh";
  return undefined;
}

/** Module-level triple-quoted strings of a Python block, with the comment line above each. */
function quotedConfigs(code: string): { text: string; commentAbove: string; start: number; end: number }[] {
  const out: { text: string; commentAbove: string; start: number; end: number }[] = [];
  const lines = code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '"""') continue;
    const end = lines.indexOf('"""', i + 1);
    if (end < 0) break;
    const above = i > 0 && lines[i - 1]!.trim().startsWith("#") ? lines[i - 1]! : "";
    out.push({ text: lines.slice(i + 1, end).join("\n"), commentAbove: above, start: i, end });
    i = end;
  }
  return out;
}

/** Places a piece of a fenced block: Python code in a module (with the header), its quoted configs in their files. */
function place(lang: string, code: string, header: string[]): { files: PlacedFile[]; skipped?: string } {
  if (lang === "bash" || lang === "sh" || lang === "shell") {
    if (!code.split("\n").some((l) => l.trim() && !l.trim().startsWith("#"))) return { files: [], skipped: "comments only" };
    return { files: [{ path: "scripts/run.sh", text: `#!/usr/bin/env bash\n${code}\n`, firstLine: 2 }] };
  }
  const files: PlacedFile[] = [];
  const configs = quotedConfigs(code);
  const unplaced: string[] = [];
  for (const c of configs) {
    const path = configPath(c.text, c.commentAbove);
    if (path) files.push({ path, text: `${c.text}\n`, firstLine: 1 });
    else unplaced.push(c.text.trim().split("\n")[0]!);
  }
  // what is left once the quoted configs are taken out: Python code, unless only comments remain
  const lines = code.split("\n");
  const rest = lines.filter((_, i) => !configs.some((c) => i >= c.start && i <= c.end));
  const hasCode = rest.some((l) => l.trim() && !l.trim().startsWith("#"));
  if (hasCode) {
    const head = header.length ? `${header.join("\n")}\n\n` : "";
    files.push({ path: "app/service.py", text: `${head}${code}\n`, firstLine: head.split("\n").length });
  }
  if (files.length === 0)
    return { files, skipped: unplaced.length ? `prose or a fragment with no file of its own: ${unplaced.join("; ")}` : "comments only" };
  return { files };
}

/** Splits a block at its marker comments (# VULNERABLE..., # BAD..., # GOOD...); text before the first marker opens the first piece. */
function pieces(code: string, marker: RegExp): { label: string; marker: string; code: string }[] {
  const out: { label: string; marker: string; code: string }[] = [];
  let current: { label: string; marker: string; lines: string[] } | undefined;
  const preamble: string[] = [];
  for (const line of code.split("\n")) {
    const m = marker.exec(line);
    if (m) {
      if (current) out.push({ label: current.label, marker: current.marker, code: current.lines.join("\n") });
      current = {
        label: (m[2] ?? "").trim().replace(/^[:\s-]+/, "") || m[1]!,
        marker: m[1]!.toUpperCase(),
        lines: [...preamble.splice(0), line],
      };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  }
  if (current) out.push({ label: current.label, marker: current.marker, code: current.lines.join("\n") });
  return out;
}

function loadExamples(): Example[] {
  const examples: Example[] = [];
  for (const file of readdirSync(SEEDS)
    .filter((f) => /^\d{3}_.*\.txt$/.test(f))
    .sort()) {
    const text = readFileSync(join(SEEDS, file), "utf8");
    const headings = [...text.matchAll(/^### (?:Rule: (.+)|\d+\. (.+))$/gm)];
    headings.forEach((h, i) => {
      const policy = (h[1] ?? h[2])!.trim();
      const end = i + 1 < headings.length ? headings[i + 1]!.index : text.length;
      // a policy's section ends at the next heading of any level
      const section = text.slice(h.index, end).split(/^## /m)[0]!;
      const blocks = [...section.matchAll(FENCE)].map((m) => {
        const before = section.slice(0, m.index).trimEnd().split("\n").at(-1) ?? "";
        return { label: before, lang: m[1]!, code: m[2]!.replace(/\n$/, "") };
      });
      const doBlocks = blocks.filter((b) => /^\*\*Do\*\*/.test(b.label));
      const dontBlocks = blocks.filter((b) => /^\*\*Don't\*\*/.test(b.label));
      // rulebooks without Do / Don't blocks mark the two sides inside one example block (# BAD / # GOOD)
      const mixed = blocks
        .filter((b) => /^\*\*Examples/.test(b.label))
        .flatMap((b) => pieces(b.code, /^#\s*(BAD|GOOD)\b(.*)$/).map((p) => ({ ...p, lang: b.lang })));
      const doCode = [...doBlocks.map((b) => b.code), ...mixed.filter((p) => p.marker === "GOOD").map((p) => p.code)];
      const doImports = doCode.flatMap(topLevelImports);
      for (const _ of blocks.filter((b) => b.lang === "regex"))
        examples.push({ policy, kind: "dont", label: "detection pattern", files: [], skipped: "a detection pattern, not an example" });
      for (const b of dontBlocks) {
        const header = [...new Set([...topLevelImports(b.code), ...doImports])];
        for (const p of pieces(b.code, /^#\s*(VULNERABLE)\b(.*)$/))
          examples.push({ policy, kind: "dont", label: p.label, ...place(b.lang, p.code, header) });
      }
      for (const p of mixed.filter((p) => p.marker === "BAD")) {
        const header = [...new Set([...topLevelImports(p.code), ...doImports])];
        examples.push({ policy, kind: "dont", label: p.label || "BAD", ...place(p.lang, p.code, header) });
      }
      for (const b of doBlocks) examples.push({ policy, kind: "do", label: "Do block", ...place(b.lang, b.code, []) });
      for (const p of mixed.filter((p) => p.marker === "GOOD"))
        examples.push({ policy, kind: "do", label: p.label || "GOOD", ...place(p.lang, p.code, []) });
    });
  }
  return examples;
}

/** Findings of the policy's checks inside the example's own lines. */
function findingsOf(example: Example, compiled: CompiledRulebook): Finding[] {
  return example.files.flatMap((f) => scanText(compiled, f.path, f.text).findings.filter((x) => x.line >= f.firstLine));
}

describe.skipIf(!existsSync(SEEDS))("seed rulebooks", () => {
  const rulebook = loadRulebook(RULES);
  const neutralChecks = rulebook.checks.filter((c) => c.framework === "ml-serving");
  const examples = existsSync(SEEDS) ? loadExamples() : [];
  const byPolicy = new Map<string, Example[]>();
  for (const e of examples) byPolicy.set(e.policy, [...(byPolicy.get(e.policy) ?? []), e]);

  it("finds every policy's examples and names each known gap once", () => {
    expect(byPolicy.size).toBe(23);
    const dontKeys = examples.filter((e) => e.kind === "dont").map((e) => `${e.policy} / ${e.label}`);
    for (const gap of Object.keys(knownGaps))
      expect(
        dontKeys.filter((k) => k === gap),
        `known gap ${gap}`,
      ).toHaveLength(1);
  });

  for (const [title, list] of byPolicy) {
    describe(title, () => {
      const policy: Policy | undefined = rulebook.policies.find((p) => p.policy === title);
      // A Don't is caught by its own policy or by a framework-neutral (ml-serving) check, which reports the same
      // risk for every framework in a real scan; a Do must raise nothing from its own policy.
      // compiled on first use, so a policy whose rules do not compile fails its own tests, not the whole file
      let dontCompiled: CompiledRulebook | undefined;
      let doCompiled: CompiledRulebook | undefined;
      const dontChecks = () => (dontCompiled ??= compileChecks([...policy!.checks, ...neutralChecks]));
      const doChecks = () => (doCompiled ??= compileChecks(policy!.checks));
      it("has a policy file", () => expect(policy, `no policy titled ${title}`).toBeDefined());
      list.forEach((e, i) => {
        const name = `${e.kind === "dont" ? "Don't" : "Do"} #${i + 1}: ${e.label}`;
        if (e.skipped) {
          it.skip(`${name} (skipped: ${e.skipped})`, () => {});
          return;
        }
        const gap = knownGaps[`${title} / ${e.label}`];
        if (e.kind === "dont" && gap) {
          it(`${name} is still a known gap: ${gap}`, () => {
            expect(
              findingsOf(e, dontChecks()).map((f) => f.ruleId),
              "caught now: remove it from knownGaps",
            ).toEqual([]);
          });
          return;
        }
        it(e.kind === "dont" ? `${name} is caught` : `${name} raises nothing`, () => {
          const found = findingsOf(e, e.kind === "dont" ? dontChecks() : doChecks()).map((f) => `${f.path}:${f.line} ${f.ruleId}`);
          if (e.kind === "dont")
            expect(found.length, `nothing caught in:\n${e.files.map((f) => `--- ${f.path}\n${f.text}`).join("\n")}`).toBeGreaterThan(0);
          else expect(found).toEqual([]);
        });
      });
    });
  }
});
