import { describe, expect, it } from "vitest";
import { declaredValue } from "../lib/engine/declared.ts";
import { parsePolicy, RulebookError } from "../lib/engine/rulebook.ts";
import { compileChecks } from "../lib/engine/compile.ts";
import { scanText } from "../lib/engine/match.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch } from "./helpers.ts";

// A Python check whose match another file (a YAML config) can settle, by the name it captures.
const POLICY = `
policy: Declared Elsewhere
framework: ray-serve
level: strict
references: [CWE-400]
why: Because.
remediation: Do not.
checks:
  - id: test.declared.unreserved
    severity: medium
    message: "worker {{NAME}} reserves nothing"
    files: ["**/*.py"]
    unlessDeclared:
      files: ["**/*.yaml"]
      language: yaml
      rule:
        kind: block_mapping_pair
        all:
          - has: { field: key, regex: "^reserve$" }
          - has: { field: value, pattern: $NAME }
      captured: NAME
    match:
      language: python
      rule:
        kind: call
        all:
          - has: { field: function, regex: "^worker$" }
          - has: { field: arguments, has: { kind: string, pattern: $NAME } }
`;

const checks = parsePolicy(POLICY, "declared.policy.yaml").checks;

describe("unlessDeclared", () => {
  it("drops a match whose captured value another file declares, keeps the rest", async () => {
    const s = scratch();
    s.write("app.py", 'worker("alpha")\nworker("beta")\nworker(\'gamma\')\n');
    s.write("deploy/config.yaml", "workers:\n  - reserve: alpha\n  - reserve: 'gamma'\n");
    s.write("notes.txt", "reserve: beta\n");
    const r = await scanDirectory(s.root, { checks });
    expect(r.findings.map((f) => f.line)).toEqual([2]);
    expect(r.errors).toEqual([]);
  });

  it("reports every match when no file declares anything", async () => {
    const s = scratch();
    s.write("app.py", 'worker("alpha")\n');
    const r = await scanDirectory(s.root, { checks });
    expect(r.findings.map((f) => f.message)).toEqual(['worker "alpha" reserves nothing']);
  });

  it("reports the match in scanText, where there is no repository to declare it", () => {
    const r = scanText(compileChecks(checks), "app.py", 'worker("alpha")\n');
    expect(r.findings).toHaveLength(1);
  });

  it("reports the error and keeps the matches when the condition's rule does not compile", async () => {
    const broken = parsePolicy(
      POLICY.replace("kind: block_mapping_pair\n        all:", "kind: no_such_kind\n        all:"),
      "declared.policy.yaml",
    ).checks;
    const s = scratch();
    s.write("app.py", 'worker("alpha")\n');
    s.write("config.yaml", "reserve: alpha\n");
    const r = await scanDirectory(s.root, { checks: broken });
    expect(r.findings).toHaveLength(1);
    expect(r.errors.map((e) => e.message).join()).toMatch(/test\.declared\.unreserved: unlessDeclared failed/);
  });

  it("requires the message to name the captured metavariable", () => {
    expect(() =>
      parsePolicy(POLICY.replace('"worker {{NAME}} reserves nothing"', '"a worker reserves nothing"'), "declared.policy.yaml"),
    ).toThrow(RulebookError);
  });

  it("compares names without their quotes", () => {
    expect(declaredValue('"text_classifier"')).toBe("text_classifier");
    expect(declaredValue("'x'")).toBe("x");
    expect(declaredValue(" Ranker ")).toBe("Ranker");
  });
});
