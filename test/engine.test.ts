import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NeedleSet } from "../lib/engine/needles.ts";
import { compileChecks } from "../lib/engine/compile.ts";
import { loadRulebook, parsePolicy, RulebookError } from "../lib/engine/rulebook.ts";
import { scanDirectory, ScanRootError } from "../lib/engine/scan.ts";
import { readAndMatchText } from "../lib/engine/scan-file.ts";
import { scanText } from "../lib/engine/match.ts";
import { scratch, TEST_POLICY } from "./helpers.ts";
import { scanTree, scratchTree } from "./support/scratch-tree.ts";

const policy = parsePolicy(TEST_POLICY, "test.policy.yaml");
const checks = policy.checks;
const compiled = compileChecks(checks);

async function scanSource(files: Record<string, string>, maxFiles?: number) {
  return scanTree(files, { checks, maxFiles });
}

describe("walking a tree", () => {
  const s = scratchTree({
    "app.py": "eval(x)\n",
    ".git/hooks/x.py": "eval(x)\n",
    "node_modules/pkg/a.py": "eval(x)\n",
    "env/pyvenv.cfg": "home = /usr\n",
    "env/lib/a.py": "eval(x)\n",
    "big.py": `eval(x)\n${"#".repeat(20_000)}\n`,
    "blob.py": Buffer.from([0x65, 0x76, 0x00, 0x61, 0x6c]),
    "min.py": `${"x=1;".repeat(1500)}eval(y)`,
    "README.md": "eval(x)\n",
    "bad-utf8.py": Buffer.concat([Buffer.from("s = '"), Buffer.from([0xff, 0xfe]), Buffer.from("'\neval(z)\n")]),
    "deep/a/b/c/d/e/f/g/h/x.py": "eval(deep)\n",
  });
  symlinkSync("/etc/passwd", s.path("passwd.py"));
  symlinkSync(s.root, s.path("loop"));

  it("never follows symlinks, skips vendored trees, binaries, oversized and minified files, and counts why", async () => {
    const r = await scanDirectory(s.root, { checks, maxFileBytes: 10_000 });
    expect(r.findings.map((f) => `${f.path}:${f.line}`)).toEqual(["app.py:1", "bad-utf8.py:2", "deep/a/b/c/d/e/f/g/h/x.py:1"]);
    expect(r.stats.skipped).toEqual({ symlink: 2, "ignored-directory": 3, "too-large": 1, binary: 1, minified: 1, "not-a-target": 1 });
    expect(r.stats.files).toBe(3);
    expect(r.errors).toEqual([]);
  });

  it("caps the number of files and reports the rest as skipped", async () => {
    const r = await scanSource({ "a.py": "eval(a)\n", "b.py": "eval(b)\n", "c.py": "eval(c)\n" }, 2);
    expect(r.stats.files).toBe(2);
    expect(r.stats.skipped["file-limit"]).toBe(1);
  });

  it("reports an unreadable file as an error and goes on", () => {
    const outcome = readAndMatchText(compiled, { abs: s.path("vanished.py"), rel: "vanished.py", size: 1 });
    expect(outcome).toEqual({ kind: "error", error: { path: "vanished.py", message: "cannot read file (ENOENT)" } });
  });

  it("refuses a root that does not exist or is not a directory", async () => {
    await expect(scanDirectory(s.path("nope"), { checks })).rejects.toThrow(ScanRootError);
    await expect(scanDirectory(s.path("app.py"), { checks })).rejects.toThrow(/not a directory/);
  });

  it("finds in a directory exactly what it finds file by file", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 60; i++)
      many[`pkg${i % 7}/m${i}.py`] = `import os\n\ndef f():\n    eval(a${i})\n    key = "value-${i}-abcdef"\n    g(timeout=${i * 3})\n`;
    many["conf/config.properties"] = "address=0.0.0.0\n";
    many[".ci/hidden.py"] = "eval(hidden)\n";
    const batched = await scanSource(many);
    const oneByOne = Object.entries(many)
      .flatMap(([path, text]) => scanText(compiled, path, text).findings)
      .sort((a, b) =>
        a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId),
      );
    expect(batched.findings).toEqual(oneByOne);
    // eval and key in each module, timeout above 60 in modules 21..59, the properties line, the hidden module
    expect(batched.findings.length).toBe(60 * 2 + 39 + 1 + 1);
  });
});

describe("matching", () => {
  it("runs a check only on files that pass its prefilter", () => {
    const withPrefilter = (prefilter: string) =>
      compileChecks(
        parsePolicy(
          TEST_POLICY.replace(
            '      rule: { pattern: "eval($ARG)" }',
            `      rule: { pattern: "eval($ARG)" }\n    prefilter: ${prefilter}`,
          ).replace(
            "    match:\n      language: python\n      rule: { pattern",
            "    match:\n      language: python\n      rule: { pattern",
          ),
          "p.policy.yaml",
        ).checks.slice(0, 1),
      );
    const src = "import modal\neval(x)\n";
    expect(scanText(withPrefilter("[modal]"), "a.py", src).findings).toHaveLength(1);
    expect(scanText(withPrefilter("[bentoml, ray]"), "a.py", src).findings).toHaveLength(0);
    expect(scanText(withPrefilter("{ all: [modal, eval], any: [ray, x)] }"), "a.py", src).findings).toHaveLength(1);
    expect(scanText(withPrefilter("{ all: [modal, ray] }"), "a.py", src).findings).toHaveLength(0);
    expect(scanText(withPrefilter("{ all: [modal, [ray, eval]] }"), "a.py", src).findings).toHaveLength(1);
    expect(scanText(withPrefilter("{ all: [modal, [ray, bentoml]] }"), "a.py", src).findings).toHaveLength(0);
    // Regex needles see the whole text, multi-line (^ at each line start), case-sensitive unless asked.
    expect(scanText(withPrefilter('[{ regex: "^eval\\\\(" }]'), "a.py", src).findings).toHaveLength(1);
    expect(scanText(withPrefilter('[{ regex: "^EVAL\\\\(" }]'), "a.py", src).findings).toHaveLength(0);
    expect(scanText(withPrefilter('[{ regex: "^EVAL\\\\(", ignoreCase: true }]'), "a.py", src).findings).toHaveLength(1);
    expect(scanText(withPrefilter('{ all: [modal, [ray, { regex: "^import\\\\s+modal$" }]] }'), "a.py", src).findings).toHaveLength(1);
    expect(scanText(withPrefilter('{ all: [modal], any: [{ regex: "^eval$" }] }'), "a.py", src).findings).toHaveLength(0);
  });

  it("finds prefilter literals in one pass exactly as includes would, overlaps and all", () => {
    const needles = ["request", "requests.", "req.", "est", "a", "ab", "abc", "bca", "cab", "é", "xé", /^b+c$/mu, "q"];
    const set = new NeedleSet(needles);
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 8) % n;
    const alphabet = ["a", "b", "c", "é", "\n", "request", "req.", "s."];
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: rand(12) }, () => alphabet[rand(alphabet.length)]).join("");
      const has = set.tester(text);
      const got = needles.map((_, i) => has(i));
      const want = needles.map((n) => (typeof n === "string" ? text.includes(n) : n.test(text)));
      expect(got, JSON.stringify(text)).toEqual(want);
    }
  });

  it("rejects a prefilter regex that does not compile, naming the file", () => {
    const bad = TEST_POLICY.replace(
      '      rule: { pattern: "eval($ARG)" }',
      '      rule: { pattern: "eval($ARG)" }\n    prefilter: [{ regex: "eval(" }]',
    );
    expect(() => parsePolicy(bad, "p.policy.yaml")).toThrow(/p\.policy\.yaml.*prefilter.*invalid regular expression/s);
  });

  it("applies numeric bounds to captured values", async () => {
    const r = await scanSource({ "a.py": "f(timeout=30)\nf(timeout=3_600)\nf(timeout=t)\nf(timeout=90.5)\n" });
    expect(r.findings.filter((f) => f.ruleId === "test.python.timeout").map((f) => f.line)).toEqual([2, 4]);
  });

  it("matches plain-text formats per line and honours `unless`", async () => {
    const open = await scanSource({ "conf/config.properties": "# c\naddress=0.0.0.0:8080\n" });
    expect(open.findings.map((f) => [f.ruleId, f.line, f.message])).toEqual([["test.props.bind-all", 2, "bound to 0.0.0.0"]]);
    const guarded = await scanSource({ "config.properties": "address=0.0.0.0\nauth=on\n" });
    expect(guarded.findings).toEqual([]);
  });

  it("reports 1-based positions and the matched lines as snippet", async () => {
    const r = await scanSource({ "a.py": "x = 1\nif x:\n    eval(\n        payload\n    )\n" });
    const f = r.findings[0]!;
    expect([f.line, f.column, f.endLine, f.endColumn]).toEqual([3, 5, 5, 6]);
    expect(f.snippet).toBe("    eval(\n        payload\n    )");
    expect(f.message).toBe("eval of payload");
  });
});

describe("secrets", () => {
  it("never lets a captured secret reach snippet, message or output", async () => {
    const r = await scanSource({ "s.py": 'API_KEY = "hunter2-very-secret-value"\n' });
    const f = r.findings.find((x) => x.ruleId === "test.python.secret")!;
    expect(JSON.stringify(f)).not.toContain("hunter2-very-secret-value");
    expect(f.snippet).toBe('API_KEY = "hunt****[redacted]"');
    expect(f.message).toBe('API_KEY is set to "hunt****[redacted]"');
  });

  it("masks a secret that a long line would cut in half", async () => {
    const secret = `${"Q".repeat(20)}-live-secret-${"Z".repeat(20)}`;
    const r = await scanSource({
      "s.py": `API_KEY = ${" ".repeat(0)}"${secret}"  ${"#".repeat(0)}\napi_token = "${"p".repeat(220)}${secret}"\n`,
    });
    const text = JSON.stringify(r.findings);
    expect(r.findings.filter((f) => f.ruleId === "test.python.secret")).toHaveLength(2);
    expect(text).not.toContain("-live-secret-");
    expect(text).not.toContain("ZZZZZZZZZZ");
  });

  it("masks well-known token formats in any snippet", async () => {
    const r = await scanSource({ "t.py": 'eval("AKIAIOSFODNN7EXAMPLE" + "ghp_abcdefghijklmnopqrstuvwxyz0123456789")\n' });
    const text = JSON.stringify(r.findings);
    expect(text).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(text).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
  });
});

describe("inline suppression", () => {
  it("suppresses the named check on the same line or the line below, and keeps the reason", async () => {
    const r = await scanSource({
      "a.py": [
        "eval(a)  # posture: ignore[test.python.eval] sandboxed input",
        "# posture: ignore[test.python.eval, test.python.timeout] vetted by security, see SEC-12",
        "eval(b)",
        "# posture: ignore[some.other.check] wrong id",
        "eval(c)",
        "# posture: ignore[test.python.eval]",
        "eval(d)",
      ].join("\n"),
    });
    expect(r.findings.map((f) => f.line)).toEqual([5]);
    expect(r.stats.suppressed).toBe(3);
    expect(r.suppressed.map((s) => [s.line, s.reason])).toEqual([
      [1, "sandboxed input"],
      [3, "vetted by security, see SEC-12"],
      [7, "(no reason given)"],
    ]);
  });
});

describe("fingerprints", () => {
  const base = "import os\n\ndef handler(x):\n    return eval(x)\n\ndef other(y):\n    return eval(y)\n";
  const fp = async (src: string) => (await scanSource({ "svc/app.py": src })).findings.map((f) => f.fingerprint);

  it("survive lines moving above the match and unrelated edits", async () => {
    const before = await fp(base);
    const shifted = await fp(`# a new header\n\n\nimport sys\n${base.replace("import os", "import os  # changed")}`);
    expect(shifted).toEqual(before);
    expect(await fp(base.replace("return eval(x)", "return   eval(x)"))).toEqual(before);
  });

  it("differ between two identical matches in one file", async () => {
    const prints = await fp("eval(x)\neval(x)\n");
    expect(prints).toHaveLength(2);
    expect(prints[0]).not.toBe(prints[1]);
  });

  it("change when the matched code or the file changes", async () => {
    const [first] = await fp(base);
    const [edited] = await fp(base.replace("eval(x)", "eval(x + 1)"));
    expect(edited).not.toBe(first);
    const moved = (await scanSource({ "svc/other.py": base })).findings[0]!.fingerprint;
    expect(moved).not.toBe(first);
  });
});

describe("rule files", () => {
  it("fail with the file and the offending field", () => {
    const bad = TEST_POLICY.replace("severity: high", "severity: urgent");
    expect(() => parsePolicy(bad, "rules/x.policy.yaml")).toThrow(/rules\/x\.policy\.yaml: checks\.0\.severity: /);
    expect(() => parsePolicy("policy: [unclosed", "rules/y.policy.yaml")).toThrow(/rules\/y\.policy\.yaml: not valid YAML/);
    expect(() => parsePolicy(TEST_POLICY.replace("framework: modal", "framework: flask"), "z.policy.yaml")).toThrow(
      /z\.policy\.yaml: framework:/,
    );
  });

  it("reject regular expressions and ast-grep rules that cannot compile", () => {
    expect(() => parsePolicy(TEST_POLICY.replace("'^\\s*address", "'^(\\s*address"), "r.policy.yaml")).toThrow(
      /r\.policy\.yaml: checks\.3\.match\.pattern: invalid regular expression/,
    );
    const broken = parsePolicy(TEST_POLICY.replace('rule: { pattern: "eval($ARG)" }', "rule: { kind: no_such_kind }"), "k.policy.yaml");
    expect(() => compileChecks(broken.checks)).toThrow(RulebookError);
    expect(() => compileChecks(broken.checks)).toThrow(/k\.policy\.yaml: check test\.python\.eval: invalid ast-grep rule/);
  });

  it("reject duplicate check ids and empty directories", () => {
    const s = scratch();
    s.write("a.policy.yaml", TEST_POLICY);
    s.write("b.policy.yaml", TEST_POLICY.replace("policy: Test Policy", "policy: Other"));
    expect(() => loadRulebook(s.root)).toThrow(/duplicate check id test\.python\.eval/);
    expect(() => loadRulebook(join(s.root, "missing"))).toThrow(RulebookError);
  });

  it("version the rulebook by content", () => {
    const a = scratch();
    a.write("p.policy.yaml", TEST_POLICY);
    const v1 = loadRulebook(a.root).version;
    a.write("p.policy.yaml", TEST_POLICY.replace("Because.", "Because!"));
    expect(loadRulebook(a.root).version).not.toBe(v1);
  });
});

describe("honest output for files that do not parse", () => {
  /** A data-flow check from a parameter named cmd to this sink. */
  const flowCheck = (id: string, severity: string, sink: string) => `
  - id: ${id}
    severity: ${severity}
    message: "{{SOURCE}} reaches {{CALL}}"
    files: ["**/*.py"]
    match:
      language: python
      taint:
        sources: [{ kind: identifier, regex: "^cmd$", inside: { kind: parameters } }]
        sinks: [{ pattern: "${sink}" }]`;
  const FLOW_POLICY = `policy: Flow Test
framework: ml-serving
level: strict
references: [CWE-78]
why: test
remediation: test
checks:${flowCheck("test.flow.shell", "critical", "os.system($SINK)")}${flowCheck("test.flow.eval", "high", "eval($SINK)")}
`;
  const flowChecks = [...parsePolicy(FLOW_POLICY, "flow.policy.yaml").checks, ...checks];

  it("names each file that parsed with errors, still reports what parsed, and parses a file once for all data-flow checks", async () => {
    const s = scratch();
    s.write("flow.py", "import os\n\ndef run(cmd):\n    os.system(cmd)\n    eval(cmd)\n\nx = = 1\n");
    s.write("pattern_only.py", "eval(y)\n\ndef broken(:\n    pass\nif True\n    z = 1\n");
    s.write("clean.py", "def run(cmd):\n    os.system(cmd)\n");
    // tree-sitter invents the missing ")" here (a zero-width node) instead of an ERROR node
    s.write("missing.py", "import os\n\ndef run(cmd):\n    os.system(cmd)\n\ndef broken(:\n    pass\n");
    const r = await scanDirectory(s.root, { checks: flowChecks });
    expect(r.errors).toEqual([
      { path: "flow.py", message: "parsed with errors near line 7; findings come from the parts that parsed" },
      { path: "missing.py", message: "parsed with errors near line 6; findings come from the parts that parsed" },
      { path: "pattern_only.py", message: "parsed with errors near line 3; findings come from the parts that parsed" },
    ]);
    expect(r.findings.filter((f) => f.path === "flow.py").map((f) => `${f.line}:${f.ruleId}`)).toEqual([
      "4:test.flow.shell",
      "5:test.flow.eval",
      "5:test.python.eval",
    ]);
    // Two data-flow checks over three files: one parse of each file for both.
    const flowOnly = await scanDirectory(s.root, { checks: flowChecks.filter((c) => c.id.startsWith("test.flow.")) });
    expect(flowOnly.stats.parses).toEqual({ total: 4, files: 4, maxPerFile: 1, dataFlowFiles: 4 });
    expect(flowOnly.findings.map((f) => `${f.path}:${f.line}`)).toEqual(["clean.py:2", "flow.py:4", "flow.py:5", "missing.py:4"]);
  });
});

describe("YAML documents inside YAML block scalars", () => {
  it("finds literal blocks that read as YAML, not scripts or certificates", async () => {
    const { embeddedYamlDocuments } = await import("../lib/engine/match.ts");
    const text = [
      "spec:",
      "  serveConfigV2: |",
      "    http_options:",
      "      host: 0.0.0.0",
      "  script: |",
      "    #!/bin/sh",
      "    echo a: b",
      "  cert: |-",
      "    -----BEGIN CERTIFICATE-----",
      "  tail: 1",
      "",
    ].join("\n");
    expect(embeddedYamlDocuments(text)).toEqual([{ line: 2, indent: 4, key: "serveConfigV2", text: "http_options:\n  host: 0.0.0.0\n" }]);
  });

  it("reports a match inside one at its line and column in the host file", async () => {
    const policy = parsePolicy(
      `policy: Embedded
framework: ray-serve
level: strict
references: [CWE-668]
why: t
remediation: t
checks:
  - id: test.yaml.public-host
    severity: high
    message: bound to {{HOST}}
    files: ["**/*.yaml"]
    match:
      language: yaml
      rule: { kind: block_mapping_pair, all: [{ has: { field: key, regex: "^host$" } }, { has: { field: value, pattern: $HOST, regex: "0\\\\.0\\\\.0\\\\.0" } }] }
`,
      "embedded.policy.yaml",
    );
    const s = scratch();
    s.write("rayservice.yaml", "kind: RayService\nspec:\n  serveConfigV2: |\n    http_options:\n      host: 0.0.0.0\n");
    const r = await scanDirectory(s.root, { checks: policy.checks });
    expect(r.findings.map((f) => [f.line, f.column, f.message, f.snippet])).toEqual([[5, 7, "bound to 0.0.0.0", "      host: 0.0.0.0"]]);
  });
});

describe("one risk at one place", () => {
  it("is one finding when a framework's check and the neutral one share a concern (Ray Serve's error-detail leak)", async () => {
    const s = scratch();
    s.write(
      "app.py",
      [
        "from fastapi import FastAPI, HTTPException",
        "from ray import serve",
        "",
        "api = FastAPI()",
        "",
        "",
        "@serve.deployment",
        "@serve.ingress(api)",
        "class Service:",
        '    @api.post("/predict")',
        "    async def predict(self, body: dict):",
        "        try:",
        "            return {'ok': run(body)}",
        "        except Exception as e:",
        "            raise HTTPException(status_code=500, detail=str(e))",
        "",
      ].join("\n"),
    );
    const { checks } = loadRulebook(join(import.meta.dirname, "..", "rules"));
    const pair = checks.filter((c) => c.id === "ray-serve.pipeline.error-detail-leak" || c.id === "ml-serving.web.error-detail-leak");
    expect(pair).toHaveLength(2);
    const both = await scanDirectory(s.root, { checks: pair });
    expect(both.findings.map((f) => `${f.ruleId}:${f.line}`)).toEqual(["ray-serve.pipeline.error-detail-leak:15"]);
    // Each alone reports the line: the one finding is the dedupe, not a check that stopped matching.
    for (const c of pair) expect((await scanDirectory(s.root, { checks: [c] })).findings.map((f) => f.line)).toEqual([15]);
  });
});
