/**
 * The one generic test for the whole rulebook: every policy's fixtures are scanned with that policy's checks,
 * and the findings must be exactly the lines annotated `# ruleid: <check-id>` (annotations apply to the next
 * non-annotation line). `# ok: <check-id>` marks lines that must stay clean. `# ruleid: <check-id> (low)` also
 * requires the finding's severity (e.g. a check's contextSeverity in a tests/ file). A binary fixture (a model
 * file) cannot hold comments: `<file>.expect.yaml` beside it lists `ruleid:` and `ok:` the same way, for line 1.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "@ast-grep/napi";
import { load as parseYaml } from "js-yaml";
import { compileChecks, ensureLanguages } from "../lib/engine/compile.ts";
import { selectChecks } from "../lib/engine/match.ts";
import { FIXTURES_SUFFIX, loadRulebook, POLICY_SUFFIX, type Check } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";

const RULES = join(import.meta.dirname, "..", "rules");
const REPOSITORIES_DIR = "repositories";
const rulebook = loadRulebook(RULES);

/**
 * The text a Python finding stands on by itself: the file's import statements and the top-level statement
 * (function, class, assignment ...) that contains the finding's first line.
 */
function localText(source: string, line: number, withHelpers: boolean): string {
  ensureLanguages();
  const root = parse("python", source).root();
  const imports = root.findAll({ rule: { any: [{ kind: "import_statement" }, { kind: "import_from_statement" }] } }).map((n) => n.text());
  // A data-flow check follows values into module-level helper functions, which are statements of their own.
  if (withHelpers)
    imports.push(
      ...root
        .children()
        .filter((n) => n.kind() === "function_definition")
        .map((n) => n.text()),
    );
  const statement = root.children().find((n) => n.range().start.line <= line - 1 && n.range().end.line >= line - 1);
  // The annotations name the check ("# ruleid: bentoml...") and would satisfy many a prefilter by themselves.
  return [...imports, statement?.text() ?? ""]
    .join("\n")
    .split("\n")
    .filter((l) => !ANNOTATION.test(l))
    .join("\n");
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const ANNOTATION = /^\s*#\s*(ruleid|ok):\s*([\w.,\s()-]+?)\s*$/;
const EXPECT_SUFFIX = ".expect.yaml";
const ANNOTATED_ID = /^([\w.-]+)(?:\s*\((critical|high|medium|low)\))?$/;

function annotations(dir: string) {
  const expected = new Set<string>();
  const ok = new Set<string>();
  const severities = new Map<string, string>();
  const files = filesBelow(dir);
  const sidecars = new Set(files.filter((f) => f.endsWith(EXPECT_SUFFIX)));
  for (const abs of files) {
    const rel = relative(dir, abs).split("\\").join("/");
    if (sidecars.has(abs)) {
      const expect = parseYaml(readFileSync(abs, "utf8")) as { ruleid?: string[]; ok?: string[] };
      const target = rel.slice(0, -EXPECT_SUFFIX.length);
      for (const [kind, ids] of [
        ["ruleid", expect.ruleid ?? []],
        ["ok", expect.ok ?? []],
      ] as const)
        for (const entry of ids) {
          const m = ANNOTATED_ID.exec(entry);
          if (!m) throw new Error(`${rel}: bad entry '${entry}' (want <check-id> or <check-id> (<severity>))`);
          const key = `${target}:1:${m[1]}`;
          (kind === "ruleid" ? expected : ok).add(key);
          if (m[2]) severities.set(key, m[2]);
        }
      continue;
    }
    if (sidecars.has(abs + EXPECT_SUFFIX)) continue;
    const lines = readFileSync(abs, "utf8").split(/\r?\n/);
    let pending: { kind: string; ids: string[] }[] = [];
    lines.forEach((line, i) => {
      const m = ANNOTATION.exec(line);
      if (m) {
        pending.push({
          kind: m[1]!,
          ids: m[2]!
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        });
        return;
      }
      for (const p of pending)
        for (const entry of p.ids) {
          const m = ANNOTATED_ID.exec(entry);
          if (!m) throw new Error(`${rel}:${i}: bad annotation entry '${entry}' (want <check-id> or <check-id> (<severity>))`);
          const key = `${rel}:${i + 1}:${m[1]}`;
          (p.kind === "ruleid" ? expected : ok).add(key);
          if (m[2]) severities.set(key, m[2]);
        }
      pending = [];
    });
  }
  return { expected, ok, severities };
}

describe("rulebook", () => {
  it("has the 23 seed policies plus the framework-neutral ones, one per file, with unique titles", () => {
    expect(rulebook.policies.filter((p) => p.framework !== "ml-serving")).toHaveLength(23);
    expect(new Set(rulebook.policies.map((p) => p.policy)).size).toBe(rulebook.policies.length);
  });

  const seeds = join(import.meta.dirname, "..", "..", "shared", "seeds");
  it.skipIf(!existsSync(seeds))("names each policy exactly as the rulebooks in shared/seeds head it", () => {
    const titles: string[] = [];
    for (const f of readdirSync(seeds)
      .filter((f) => /^\d{3}_.*\.txt$/.test(f))
      .sort()) {
      const text = readFileSync(join(seeds, f), "utf8");
      for (const m of text.matchAll(/^### (?:Rule: (.+)|\d+\. (.+))$/gm)) titles.push((m[1] ?? m[2])!.trim());
    }
    expect(
      rulebook.policies
        .filter((p) => p.framework !== "ml-serving")
        .map((p) => p.policy)
        .sort(),
    ).toEqual(titles.sort());
  });

  for (const policy of rulebook.policies) {
    describe(policy.file, () => {
      const fixtures = join(RULES, policy.file.slice(0, -POLICY_SUFFIX.length) + FIXTURES_SUFFIX);

      it("has fixtures that exercise every check both ways", () => {
        expect(existsSync(fixtures), `missing ${relative(process.cwd(), fixtures)}`).toBe(true);
        const { expected, ok } = annotations(fixtures);
        for (const check of policy.checks) {
          expect(
            [...expected].some((k) => k.endsWith(`:${check.id}`)),
            `${check.id} has no '# ruleid:' line`,
          ).toBe(true);
          expect(
            [...ok].some((k) => k.endsWith(`:${check.id}`)),
            `${check.id} has no '# ok:' line`,
          ).toBe(true);
        }
        const known = new Set(policy.checks.map((c) => c.id));
        for (const k of [...expected, ...ok]) expect(known.has(k.split(":").at(-1)!), `annotation for unknown check: ${k}`).toBe(true);
      });

      it("reports exactly the annotated lines", async () => {
        const { expected, ok, severities } = annotations(fixtures);
        const result = await scanDirectory(fixtures, { checks: policy.checks });
        // repositories/<name>/ are repositories of their own (a check's repository conditions read all of one
        // repository's code); the fixture root's .posture.yaml leaves them out of its own scan.
        const repositories = join(fixtures, REPOSITORIES_DIR);
        if (existsSync(repositories))
          for (const name of readdirSync(repositories)) {
            const own = await scanDirectory(join(repositories, name), { checks: policy.checks });
            result.errors.push(...own.errors);
            result.findings.push(...own.findings.map((f) => ({ ...f, path: `${REPOSITORIES_DIR}/${name}/${f.path}` })));
          }
        expect(result.errors).toEqual([]);
        const actual = new Set(result.findings.map((f) => `${f.path}:${f.line}:${f.ruleId}`));
        const missed = [...expected].filter((k) => !actual.has(k));
        const unexpected = [...actual].filter((k) => !expected.has(k));
        expect({ missed, unexpected }).toEqual({ missed: [], unexpected: [] });
        const wrongSeverity = result.findings
          .filter(
            (f) => severities.has(`${f.path}:${f.line}:${f.ruleId}`) && severities.get(`${f.path}:${f.line}:${f.ruleId}`) !== f.severity,
          )
          .map(
            (f) =>
              `${f.path}:${f.line}:${f.ruleId} is ${f.severity} (${f.context}), annotated ${severities.get(`${f.path}:${f.line}:${f.ruleId}`)}`,
          );
        expect(wrongSeverity).toEqual([]);
        for (const k of ok) expect(actual.has(k), `${k} is marked ok`).toBe(false);
      });

      // A prefilter is only a shortcut: it must pass on every text its check can match. The fixture files hold
      // many cases each, so one case could satisfy another's prefilter; test each Python finding on its own text.
      const prefiltered = policy.checks.filter((c) => c.prefilter && c.match.language === "python");
      it.skipIf(prefiltered.length === 0)("has prefilters that pass on each finding's own statement and imports", async () => {
        const unfiltered: Check[] = prefiltered.map(({ prefilter: _, sinkPrefilter: __, ...c }) => c);
        const result = await scanDirectory(fixtures, { checks: unfiltered });
        const compiled = compileChecks(prefiltered);
        // A data-flow check's sink side may be in another module: the fixture files that hold each one.
        const sinkSides = new Map<string, string[]>();
        for (const abs of filesBelow(fixtures).filter((p) => p.endsWith(".py"))) {
          const rel = relative(fixtures, abs).split("\\").join("/");
          for (const c of selectChecks(compiled, rel, readFileSync(abs, "utf8")).sinkSide)
            (sinkSides.get(c.check.id) ?? sinkSides.set(c.check.id, []).get(c.check.id)!).push(rel);
        }
        const dropped: string[] = [];
        for (const f of result.findings) {
          const taint = prefiltered.find((c) => c.id === f.ruleId)?.match;
          const text = localText(readFileSync(join(fixtures, f.path), "utf8"), f.line, !!taint && "taint" in taint && !!taint.taint);
          const chosen = selectChecks(compiled, f.path, text);
          const viaOtherModule =
            chosen.pending.some((c) => c.check.id === f.ruleId) && (sinkSides.get(f.ruleId) ?? []).some((rel) => rel !== f.path);
          if (!chosen.applicable.some((c) => c.check.id === f.ruleId) && !viaOtherModule) dropped.push(`${f.path}:${f.line}:${f.ruleId}`);
        }
        expect(dropped, "findings whose own text fails their check's prefilter").toEqual([]);
      });
    });
  }
});
