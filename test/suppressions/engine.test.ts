/**
 * Issue 16 §3 in the pure engine: what a suppression records (comment line, severity, missing reason), refusals
 * by severity keeping the finding with what the code asked for, and the hygiene check never suppressed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRulebook } from "../../lib/engine/rulebook.ts";
import { scanDirectory } from "../../lib/engine/scan.ts";
import { parsePorcelain } from "../../lib/suppressions/blame.ts";
import { suppressionRows } from "../../lib/suppressions/persist.ts";
import { scratch, TEST_POLICY } from "../helpers.ts";

const HYGIENE = join(import.meta.dirname, "..", "..", "rules", "ml-serving", "suppression-hygiene.policy.yaml");

function rules() {
  const dir = scratch();
  dir.write("test.policy.yaml", TEST_POLICY);
  dir.write("hygiene.policy.yaml", readFileSync(HYGIENE, "utf8"));
  return loadRulebook(dir.root);
}

const CODE = [
  "def a(x):",
  "    return eval(x)  # posture: ignore[test.python.eval] x comes from our own config",
  "",
  "def b(y):",
  "    # posture: ignore[test.python.eval]",
  "    return eval(y)",
  "",
  "API_KEY = 'sk-live-0123456789abcdef'  # posture: ignore[test.python.secret] rotated weekly",
  "",
].join("\n");

describe("suppressions in the engine", () => {
  const rulebook = rules();
  const repo = scratch();
  repo.write("svc.py", CODE);
  repo.write(".posture.yaml", "exclude:\n  - path: vendor/**\n    reason: upstream code, scanned there\n");
  repo.write("vendor/x.py", "eval(1)\n");

  it("records each suppression's comment line, severity and whether it gives a reason; the hygiene check reports the reasonless one", async () => {
    const r = await scanDirectory(repo.root, { checks: rulebook.checks });
    expect(r.suppressed.map((s) => [s.ruleId, s.line, s.commentLine, s.severity, s.reason, s.noReason ?? false])).toEqual([
      ["test.python.eval", 2, 2, "high", "x comes from our own config", false],
      ["test.python.eval", 6, 5, "high", "(no reason given)", true],
      ["test.python.secret", 8, 8, "critical", "rotated weekly", false],
    ]);
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([["ml-serving.suppression.missing-reason", 5]]);
    expect(r.findings[0]!.message).toContain("test.python.eval");
    expect(r.stats.suppressed).toBe(3);
    expect(r.stats.refusedSuppressions).toBeUndefined();
  });

  it("does not honour suppressions of refused severities: the finding stays, saying what the code asked", async () => {
    const r = await scanDirectory(repo.root, { checks: rulebook.checks, refuseSuppressions: ["critical"] });
    expect(r.suppressed.map((s) => s.ruleId)).toEqual(["test.python.eval", "test.python.eval"]);
    const secret = r.findings.find((f) => f.ruleId === "test.python.secret")!;
    expect(secret.refusedSuppression).toEqual({ reason: "rotated weekly", line: 8 });
    expect(secret.snippet).not.toContain("0123456789abcdef");
    expect(r.stats.refusedSuppressions).toEqual({ severities: ["critical"], count: 1 });
    expect(r.stats.suppressed).toBe(2);

    const high = await scanDirectory(repo.root, { checks: rulebook.checks, refuseSuppressions: ["high", "critical"] });
    expect(high.suppressed).toEqual([]);
    expect(high.findings.filter((f) => f.refusedSuppression).map((f) => [f.line, f.refusedSuppression!.reason])).toEqual([
      [2, "x comes from our own config"],
      [6, null],
      [8, "rotated weekly"],
    ]);
    expect(high.stats.refusedSuppressions).toEqual({ severities: ["critical", "high"], count: 3 });
  });

  it("lists honoured, refused and .posture.yaml rows for persisting, with the entry's line", async () => {
    const r = await scanDirectory(repo.root, { checks: rulebook.checks, refuseSuppressions: ["critical"] });
    const config = "exclude:\n  - path: vendor/**\n    reason: upstream code, scanned there\n";
    expect(suppressionRows(r, config).map((x) => [x.kind, x.checkId, x.path, x.line, x.reason, x.honoured])).toEqual([
      ["inline", "test.python.eval", "svc.py", 2, "x comes from our own config", true],
      ["inline", "test.python.eval", "svc.py", 5, null, true],
      ["inline", "test.python.secret", "svc.py", 8, "rotated weekly", false],
      ["exclusion", null, "vendor/**", 2, "upstream code, scanned there", true],
    ]);
  });

  it("never lets a comment suppress the hygiene check itself", async () => {
    const d = scratch();
    d.write("a.py", "# posture: ignore[ml-serving.suppression.missing-reason]\nx = 1\n");
    const r = await scanDirectory(d.root, { checks: rulebook.checks });
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([["ml-serving.suppression.missing-reason", 1]]);
    expect(r.suppressed).toEqual([]);
  });
});

describe("git blame's porcelain", () => {
  const a = "a".repeat(40);
  const b = "b".repeat(40);
  const text = [
    `${a} 3 5 1`,
    "author Alice Example",
    "author-mail <alice@example.test>",
    "author-time 1764633600",
    "author-tz +0000",
    "summary add suppression",
    "filename svc.py",
    "\t    return eval(y)  # posture: ignore[x]",
    `${b} 1 9 1`,
    "author Bob",
    "author-mail <bob@example.test>",
    "author-time 1764547200",
    "boundary",
    "filename svc.py",
    "\tother",
    `${a} 4 12`,
    "filename svc.py",
    "\tagain",
  ].join("\n");

  it("names each line's author, reusing a commit's header, and leaves boundary and cut-off commits unknown", () => {
    const m = parsePorcelain(text);
    expect([...m]).toEqual([
      [5, { name: "Alice Example", email: "alice@example.test", at: new Date(1764633600 * 1000) }],
      [12, { name: "Alice Example", email: "alice@example.test", at: new Date(1764633600 * 1000) }],
    ]);
    expect([...parsePorcelain(text, new Set([a]))]).toEqual([]);
  });
});
