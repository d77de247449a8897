import { parse } from "@ast-grep/napi";
import { describe, expect, it } from "vitest";
import { ensureLanguages } from "../lib/engine/compile.ts";
import { coarsen, matchedMembers, mergedConfig, mergeMember, sharedUtils } from "../lib/engine/merge.ts";
import { parsePolicy } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch } from "./helpers.ts";

ensureLanguages();

/** A policy of the given checks (YAML list items), the rest of the policy file fixed. */
function policyOf(checks: string) {
  return parsePolicy(
    `policy: Merge\nframework: ml-serving\nlevel: strict\nreferences: [CWE-20]\nwhy: Because.\nremediation: Do not.\nchecks:\n${checks}`,
    "merge.policy.yaml",
  );
}

describe("pattern checks merged into one query", () => {
  it("keeps each check's metavariables its own, so two checks binding $X to different nodes both match", () => {
    // Alone each rule matches `f(g(1))`; merged without renaming, $X would have to be both `g(1)` and `1`.
    const a = mergeMember(0, { pattern: "f($X)" }, undefined);
    const b = mergeMember(1, { pattern: "f(g($X))" }, undefined);
    const root = parse("python", "f(g(1))\nf(2)\n").root();
    const nodes = root.findAll(mergedConfig([a, b]));
    const rows = nodes.map((n) => ({
      text: n.text(),
      checks: matchedMembers(n, [
        { merge: a, id: "a" },
        { merge: b, id: "b" },
      ]).map((m) => m.id),
      a: n.getMatch(`${a.prefix}X`)?.text(),
      b: n.getMatch(`${b.prefix}X`)?.text(),
    }));
    expect(rows).toEqual([
      { text: "f(g(1))", checks: ["a", "b"], a: "g(1)", b: "1" },
      { text: "f(2)", checks: ["a"], a: "2", b: undefined },
    ]);
  });

  it("renames a util per check unless every check defines it alike and it binds nothing", () => {
    const shared = sharedUtils([
      { imported: { kind: "import_statement" }, arg: { pattern: "$A" }, same: { kind: "call" }, uses: { matches: "arg" } },
      { imported: { kind: "import_statement" }, same: { kind: "identifier" } },
    ]);
    // `same` differs between the checks, `arg` binds $A, `uses` reaches `arg`.
    expect([...shared]).toEqual(["imported"]);
    const m = mergeMember(
      3,
      { all: [{ matches: "imported" }, { matches: "arg" }] },
      { imported: { kind: "import_statement" }, arg: { pattern: "$A" } },
      shared,
    );
    expect(m.rule).toEqual({ all: [{ matches: "imported" }, { matches: "arg--c3" }] });
    expect(m.utils).toEqual({ imported: { kind: "import_statement" }, "arg--c3": { pattern: "$C3_A" } });
  });

  it("reports what each check reports alone, with one parse of a file for all its pattern checks", async () => {
    const policy = policyOf(
      `  - id: test.merge.call
    severity: high
    message: "f called with {{ARG}}"
    files: ["**/*.py"]
    match:
      language: python
      rule: { pattern: "f($ARG)" }
  - id: test.merge.inner
    severity: high
    message: "g called with {{ARG}}"
    files: ["**/*.py"]
    match:
      language: python
      rule: { pattern: "f(g($ARG))" }
  - id: test.merge.numbered
    severity: high
    message: "number {{N}}"
    files: ["**/*.py"]
    match:
      language: python
      rule: { pattern: "limit($N)" }
      where: { N: { gt: 10 } }
`,
    );
    const s = scratch();
    s.write("a.py", "f(g(1))\nlimit(5)\nlimit(50)\n");
    s.write("b.py", "f(2)\n");
    const merged = await scanDirectory(s.root, { checks: policy.checks });
    const alone = await Promise.all(policy.checks.map((c) => scanDirectory(s.root, { checks: [c] })));
    const row = (f: { path: string; line: number; ruleId: string; message: string }) => `${f.path}:${f.line} ${f.ruleId} ${f.message}`;
    expect(merged.findings.map(row)).toEqual(
      alone
        .flatMap((r) => r.findings)
        .map(row)
        .sort(),
    );
    expect(merged.findings.map(row)).toEqual([
      "a.py:1 test.merge.call f called with g(1)",
      "a.py:1 test.merge.inner g called with 1",
      "a.py:3 test.merge.numbered number 50",
      "b.py:1 test.merge.call f called with 2",
    ]);
    expect(merged.stats.parses).toEqual({ total: 2, files: 2, maxPerFile: 1, dataFlowFiles: 0 });
  });

  it("gives a file only the matches of the checks it selected when its group shares a query with others", async () => {
    const policy = policyOf(
      `  - id: test.coarse.f
    severity: high
    message: f
    files: ["**/*.py"]
    prefilter: [alpha]
    match: { language: python, rule: { pattern: "f($A)" } }
  - id: test.coarse.g
    severity: high
    message: g
    files: ["**/*.py"]
    prefilter: [beta]
    match: { language: python, rule: { pattern: "g($A)" } }
`,
    );
    const s = scratch();
    // each file holds both calls, but its prefilter word selects one check
    s.write("a.py", "alpha = 1\nf(1)\ng(1)\n");
    s.write("b.py", "beta = 1\nf(2)\ng(2)\n");
    const one = await scanDirectory(s.root, { checks: policy.checks, maxPatternQueries: 1 });
    expect(one.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`)).toEqual(["a.py:2 test.coarse.f", "b.py:3 test.coarse.g"]);
    expect(one.stats.parses).toMatchObject({ total: 2, maxPerFile: 1 });
  });
});

describe("coarsening merged queries", () => {
  it("merges the smallest group into the one whose checks grow least, down to the maximum", () => {
    const groups = [
      { members: ["a", "b"], paths: ["1", "2", "3"] },
      { members: ["a"], paths: ["4"] },
      { members: ["c", "d"], paths: ["5", "6"] },
      { members: ["d"], paths: ["7"] },
    ];
    const out = coarsen(groups, 2).map((g) => ({ members: [...g.members].sort(), paths: [...g.paths].sort() }));
    expect(out.sort((x, y) => x.members[0]!.localeCompare(y.members[0]!))).toEqual([
      { members: ["a", "b"], paths: ["1", "2", "3", "4"] },
      { members: ["c", "d"], paths: ["5", "6", "7"] },
    ]);
    expect(coarsen(groups, 10)).toHaveLength(4);
  });
});
