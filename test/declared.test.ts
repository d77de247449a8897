import { describe, expect, it } from "vitest";
import { declaredValue } from "../lib/engine/declared.ts";
import { parsePolicy, RulebookError } from "../lib/engine/rulebook.ts";
import { compileChecks } from "../lib/engine/compile.ts";
import { scanText } from "../lib/engine/match.ts";
import { scanTree } from "./support/scratch-tree.ts";

/** An ast-grep YAML rule for a `key: value` pair, capturing the value as $metavariable (indented for a check's match block). */
const yamlPair = (key: string, metavariable: string) => `language: yaml
      rule:
        kind: block_mapping_pair
        all:
          - has: { field: key, regex: "^${key}$" }
          - has: { field: value, pattern: $${metavariable} }`;

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
      ${yamlPair("reserve", "NAME")}
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
    const r = await scanTree(
      {
        "app.py": 'worker("alpha")\nworker("beta")\nworker(\'gamma\')\n',
        "deploy/config.yaml": "workers:\n  - reserve: alpha\n  - reserve: 'gamma'\n",
        "notes.txt": "reserve: beta\n",
      },
      { checks },
    );
    expect(r.findings.map((f) => f.line)).toEqual([2]);
    expect(r.errors).toEqual([]);
  });

  it("reports every match when no file declares anything", async () => {
    const r = await scanTree({ "app.py": 'worker("alpha")\n' }, { checks });
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
    const r = await scanTree({ "app.py": 'worker("alpha")\n', "config.yaml": "reserve: alpha\n" }, { checks: broken });
    expect(r.findings).toHaveLength(1);
    expect(r.errors.map((e) => e.message).join()).toMatch(/test\.declared\.unreserved: unlessDeclared failed/);
    // each value is looked up in the files that hold it; a broken rule is reported once, not once per value
    const two = await scanTree(
      { "app.py": 'worker("alpha")\nworker("beta")\n', "config.yaml": "reserve: alpha\nreserve: beta\n" },
      { checks: broken },
    );
    expect(two.findings).toHaveLength(2);
    expect(two.errors.filter((e) => /unlessDeclared failed/.test(e.message))).toHaveLength(1);
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

// A YAML check that counts only where a plain-text file of the repository declares the value it captured.
const PORT_POLICY = `
policy: Declared Port
framework: torchserve
level: strict
references: [CWE-284]
why: Because.
remediation: Do not.
checks:
  - id: test.declared.port
    severity: high
    message: "port {{PORT}} published"
    files: ["**/*.yaml"]
    ifDeclared:
      files: ["**/*.properties"]
      language: regex
      pattern: '^admin_port\\s*=\\s*(?<PORT>[0-9]+)$'
      captured: PORT
    match:
      ${yamlPair("port", "PORT")}
`;

describe("ifDeclared with a captured value", () => {
  const portChecks = parsePolicy(PORT_POLICY, "port.policy.yaml").checks;

  it("keeps only the matches whose value a plain-text file declares, port mappings by their container port", async () => {
    const r = await scanTree(
      {
        "svc.yaml": 'a:\n  port: 9002\nb:\n  port: "9001"\nc:\n  port: "0.0.0.0:19002:9002/tcp"\nd:\n  port: 9002-9003:7000\n',
        "conf/server.properties": "admin_port=9002\n# admin_port=9001\n",
      },
      { checks: portChecks },
    );
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => f.line)).toEqual([2, 6]);
  });

  it("reports nothing where no file declares a value", async () => {
    expect((await scanTree({ "svc.yaml": "a:\n  port: 9002\n" }, { checks: portChecks })).findings).toEqual([]);
  });

  it("requires the message to name the captured value", () => {
    expect(() => parsePolicy(PORT_POLICY.replace("port {{PORT}} published", "a port is published"), "p.policy.yaml")).toThrow(
      /ifDeclared\.captured: the message must name \{\{PORT\}\}/,
    );
  });
});
