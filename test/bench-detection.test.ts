/**
 * The detection benchmark's scoring (bench/detection/score.ts) on small made-up label files: what counts as
 * labelled, how an expected item is met, and how bad label files are reported.
 */
import { describe, expect, it } from "vitest";
import { BenchDataError, parseLabels, parseRepos, rates, scoreRepo, total, type ScoredFinding } from "../bench/detection/score.ts";

const SHA = "a".repeat(40);

function finding(ruleId: string, path: string, line: number, context: ScoredFinding["context"] = "production"): ScoredFinding {
  return { ruleId, path, line, severity: "high", message: "m", context };
}

const LABELS = `
repo: acme/serve
commit: ${SHA}
findings:
  - { check: x.eval, path: app.py, line: 10, label: true, note: "request body to eval" }
  - { check: x.eval, path: tests/test_app.py, line: 4, label: noise, note: "test input" }
  - { check: x.secret, path: app.py, line: 2, label: false, note: "placeholder read from env" }
  - { check: x.secret, path: old.py, line: 9, label: true, note: "no longer reported" }
expected:
  - { path: app.py, line: 12, impact: high, class: code-execution, checks: [x.eval], note: "eval of the body" }
  - { path: app.py, line: 30, impact: high, class: path-traversal, checks: [x.path], note: "open(request path)" }
  - { path: deploy.yaml, line: 5, impact: normal, class: exposed-management, note: "any check will do" }
`;

describe("bench:detection scoring", () => {
  const labels = parseLabels("labels.yaml", LABELS);
  const findings = [
    finding("x.eval", "app.py", 10),
    finding("x.eval", "tests/test_app.py", 4, "test"),
    finding("x.secret", "app.py", 2),
    finding("x.cors", "app.py", 50),
    finding("x.k8s", "deploy.yaml", 8),
  ];
  const s = scoreRepo("acme/serve", findings, labels);

  it("counts labels by check, path and line, and lists unlabelled findings without counting them", () => {
    expect(s.overall).toMatchObject({ findings: 5, labelled: 3, true: 1, noise: 1, false: 1 });
    expect(s.unlabelled.map((f) => f.ruleId)).toEqual(["x.cors", "x.k8s"]);
    expect(s.perCheck["x.eval"]).toMatchObject({ findings: 2, labelled: 2, true: 1, noise: 1, false: 0 });
    expect(s.perCheck["x.cors"]).toMatchObject({ findings: 1, labelled: 0 });
  });

  it("reports labels that no finding carries", () => {
    expect(s.staleLabels.map((l) => `${l.path}:${l.line}`)).toEqual(["old.py:9"]);
  });

  it("computes precision, noise and false shares over labelled findings, and the production share from the context", () => {
    const r = rates(s.overall);
    expect(r.precision).toBeCloseTo(1 / 3);
    expect(r.noiseShare).toBeCloseTo(1 / 3);
    expect(r.falseShare).toBeCloseTo(1 / 3);
    // The test-context noise finding is left out: of the two production findings, one is true.
    expect(s.overall).toMatchObject({ production: 2, productionTrue: 1 });
    expect(r.productionTrue).toBeCloseTo(1 / 2);
  });

  it("meets an expected item by one of its checks in the same file within 3 lines, or by any check when it names none", () => {
    expect(s.met.map((m) => m && `${m.ruleId}@${m.line}`)).toEqual(["x.eval@10", null, "x.k8s@8"]);
    expect(s.missed.map((e) => e.line)).toEqual([30]);
    expect(s.overall).toMatchObject({ expected: 3, expectedMet: 2, highImpact: 2, highImpactMet: 1 });
    expect(s.perCheck["x.path"]).toMatchObject({ findings: 0, expected: 1, expectedMet: 0, highImpact: 1 });
    expect(s.perCheck["x.eval"]).toMatchObject({ expected: 1, expectedMet: 1 });
  });

  it("does not meet an expected item 4 lines away, in another file, or by another check", () => {
    const e = parseLabels(
      "l.yaml",
      `repo: a/b\ncommit: ${SHA}\nexpected:\n  - { path: a.py, line: 10, impact: high, class: other, checks: [x.a], note: n }\n`,
    );
    for (const f of [finding("x.a", "a.py", 14), finding("x.a", "b.py", 10), finding("x.b", "a.py", 10)]) {
      expect(scoreRepo("a/b", [f], e).overall.expectedMet).toBe(0);
    }
    expect(scoreRepo("a/b", [finding("x.a", "a.py", 7)], e).overall.expectedMet).toBe(1);
  });

  it("meets an expected item at one of its `also` places (a flow reported at the helper's call), still by its checks only", () => {
    const e = parseLabels(
      "l.yaml",
      `repo: a/b\ncommit: ${SHA}\nexpected:\n  - { path: job.py, line: 87, impact: high, class: other, checks: [x.a], also: [{ path: serve.py, line: 200 }], note: n }\n`,
    );
    expect(scoreRepo("a/b", [finding("x.a", "serve.py", 201)], e).overall.expectedMet).toBe(1);
    expect(scoreRepo("a/b", [finding("x.a", "job.py", 86)], e).overall.expectedMet).toBe(1);
    for (const f of [finding("x.b", "serve.py", 200), finding("x.a", "serve.py", 87), finding("x.a", "job.py", 200)]) {
      expect(scoreRepo("a/b", [f], e).overall.expectedMet).toBe(0);
    }
  });

  it("has no rate where nothing was labelled or expected, rather than 0% or 100%", () => {
    const none = scoreRepo("a/b", [finding("x.a", "a.py", 1)], null);
    expect(rates(none.overall)).toEqual({
      precision: null,
      noiseShare: null,
      falseShare: null,
      productionTrue: null,
      recall: null,
      highImpactRecall: null,
    });
    expect(none.unlabelled).toHaveLength(1);
  });

  it("sums repositories per check and overall", () => {
    const t = total([s, s]);
    expect(t.overall).toMatchObject({ findings: 10, labelled: 6, expected: 6, highImpactMet: 2 });
    expect(t.perCheck["x.eval"]).toMatchObject({ findings: 4, true: 2 });
  });
});

describe("bench:detection data files", () => {
  it("takes YAML's unquoted true and false as the labels true and false", () => {
    const l = parseLabels("l.yaml", `repo: a/b\ncommit: ${SHA}\nfindings:\n  - { check: c, path: p.py, line: 1, label: false, note: n }\n`);
    expect(l.findings[0]!.label).toBe("false");
  });

  it.each([
    [
      "a label that is not true, noise or false",
      `findings:\n  - { check: c, path: p.py, line: 1, label: maybe, note: n }`,
      /findings\.0\.label/,
    ],
    ["an unknown class", `expected:\n  - { path: p.py, line: 1, impact: high, class: rce, note: n }`, /expected\.0\.class/],
    ["a path leaving the repository", `findings:\n  - { check: c, path: ../p.py, line: 1, label: true, note: n }`, /findings\.0\.path/],
    ["a line of 0", `findings:\n  - { check: c, path: p.py, line: 0, label: true, note: n }`, /findings\.0\.line/],
    ["a misspelt field", `findings:\n  - { check: c, path: p.py, lines: 1, label: true, note: n }`, /findings\.0/],
    [
      "two labels for one finding",
      `findings:\n  - { check: c, path: p.py, line: 1, label: true, note: n }\n  - { check: c, path: p.py, line: 1, label: noise, note: n }`,
      /findings\.1: same check, path and line as findings\.0/,
    ],
  ])("rejects %s, naming the file and field", (_, body, message) => {
    const parse = () => parseLabels("labels/a__b.yaml", `repo: a/b\ncommit: ${SHA}\n${body}\n`);
    expect(parse).toThrow(BenchDataError);
    expect(parse).toThrow(/^labels\/a__b\.yaml: /);
    expect(parse).toThrow(message);
  });

  it("rejects YAML that does not parse, and a short commit", () => {
    expect(() => parseLabels("l.yaml", "repo: [a")).toThrow(/l\.yaml: not valid YAML/);
    expect(() => parseLabels("l.yaml", "repo: a/b\ncommit: abc123\n")).toThrow(/l\.yaml: commit: must be a 40-hex commit sha/);
  });

  it("reads repos.yaml entries and rejects a repository listed twice", () => {
    const entry = `- { repo: a/b, commit: ${SHA}, frameworks: [ray-serve], why: "x" }\n`;
    expect(parseRepos("repos.yaml", entry)).toHaveLength(1);
    expect(() => parseRepos("repos.yaml", entry + entry)).toThrow(/repos\.yaml: 1\.repo: a\/b is listed twice/);
    expect(() => parseRepos("repos.yaml", `- { repo: a/b, commit: ${SHA}, frameworks: [] , why: x }\n`)).toThrow(/0\.frameworks/);
  });
});
