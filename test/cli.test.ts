import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratch, TEST_POLICY } from "./helpers.ts";
import { runCli } from "./support/cli-run.ts";
import { scratchTree } from "./support/scratch-tree.ts";

const repo = join(import.meta.dirname, "..");

const rules = scratch("posture-rules-");
rules.write("test.policy.yaml", TEST_POLICY);
const src = scratchTree(
  {
    "svc/app.py": 'import os\n\nAPI_KEY = "abcd-1234-efgh-5678-ijkl"\n\ndef handle(x):\n    return eval(x)\n',
    "svc/conf/config.properties": "address=0.0.0.0\n",
    "svc/ok.py": "eval(y)  # posture: ignore[test.python.eval] constant input\n",
    "notes.txt": "eval(z)\n",
  },
  "posture-src-",
);

describe("posture scan", () => {
  it("--format json prints one object with findings, stats and errors", async () => {
    const { code, stdout, stderr } = await runCli("scan", src.root, "--format", "json", "--rules", rules.root);
    expect([code, stderr]).toEqual([0, ""]);
    const out = JSON.parse(stdout);
    expect(Object.keys(out).sort()).toEqual([
      "advisoriesNotReached",
      "errors",
      "findings",
      "skippedFiles",
      "skippedFilesOmitted",
      "stats",
      "suppressed",
    ]);
    expect(out.findings.map((f: { ruleId: string; path: string; line: number }) => `${f.ruleId} ${f.path}:${f.line}`)).toEqual([
      "test.python.secret svc/app.py:3",
      "test.python.eval svc/app.py:6",
      "test.props.bind-all svc/conf/config.properties:1",
    ]);
    expect(Object.keys(out.findings[0]).sort()).toEqual(
      [
        "column",
        "context",
        "endColumn",
        "endLine",
        "fingerprint",
        "framework",
        "line",
        "message",
        "path",
        "policy",
        "ruleId",
        "severity",
        "snippet",
      ].sort(),
    );
    expect(out.findings[0]).toMatchObject({ policy: "Test Policy", framework: "modal", severity: "critical", context: "production" });
    expect(stdout).not.toContain("abcd-1234-efgh-5678-ijkl");
    expect(out.stats).toMatchObject({ files: 3, suppressed: 1, rules: 4, skipped: { "not-a-target": 1 } });
    expect(out.stats.bytes).toBeGreaterThan(0);
    expect(out.suppressed[0]).toMatchObject({ ruleId: "test.python.eval", path: "svc/ok.py", line: 1, reason: "constant input" });
    expect(out.errors).toEqual([]);
  });

  it("--format sarif produces SARIF 2.1.0 as GitHub code scanning expects it", async () => {
    const { code, stdout } = await runCli("scan", src.root, "--format", "sarif", "--rules", rules.root);
    expect(code).toBe(0);
    const log = JSON.parse(stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const runObj = log.runs[0];
    expect(runObj.tool.driver.name).toBe("Posture");
    const ruleIds = runObj.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(["test.python.eval", "test.python.secret", "test.python.timeout", "test.props.bind-all"]);
    for (const r of runObj.tool.driver.rules) {
      expect(r.help.text.length).toBeGreaterThan(0);
      expect(r.help.markdown).toContain("Remediation");
      expect(Number(r.properties["security-severity"])).toBeGreaterThan(0);
      expect(r.properties.tags).toContain("security");
      expect(r.properties.tags).toContain("external/cwe/cwe-94");
    }
    const active = runObj.results.filter((r: { suppressions?: unknown }) => !r.suppressions);
    expect(active).toHaveLength(3);
    for (const r of runObj.results) {
      expect(ruleIds[r.ruleIndex]).toBe(r.ruleId);
      expect(r.message.text.length).toBeGreaterThan(0);
      const loc = r.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/^svc\//);
      expect(loc.artifactLocation.uriBaseId).toBe("%SRCROOT%");
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(r.partialFingerprints["postureFingerprint/v1"]).toMatch(/^[0-9a-f]{32}$/);
    }
    const suppressed = runObj.results.find((r: { suppressions?: unknown }) => r.suppressions);
    expect(suppressed.suppressions).toEqual([{ kind: "inSource", justification: "constant input" }]);
  });

  it("--format text groups by file and ends with a summary", async () => {
    const { stdout } = await runCli("scan", src.root, "--rules", rules.root);
    expect(stdout).toMatch(/^svc\/app\.py\n/);
    expect(stdout).not.toContain("\x1b[");
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^3 findings \(1 critical, 1 high, 1 medium\) in 3 files, 1 suppressed, 1 skipped, 0 errors/,
    );
  });

  it("--fail-on exits 1 only when a finding is at or above the threshold", async () => {
    expect((await runCli("scan", src.root, "--rules", rules.root, "--fail-on", "critical")).code).toBe(1);
    const clean = scratch();
    clean.write("a.py", "f(timeout=90)\n");
    expect((await runCli("scan", clean.root, "--rules", rules.root, "--fail-on", "medium")).code).toBe(0);
    expect((await runCli("scan", clean.root, "--rules", rules.root, "--fail-on", "low")).code).toBe(1);
  });

  it("exits 2 with a one-line message on usage and I/O errors", async () => {
    const cases = [
      [["scan", join(src.root, "missing")], /no such directory/],
      [["scan"], /scan needs a path/],
      [["scan", src.root, "--format", "xml"], /--format/],
      [["scan", src.root, "--fail-on", "urgent"], /--fail-on/],
      [["scan", src.root, "--rules", join(rules.root, "none")], /cannot read rules directory/],
      [["frobnicate"], /unknown command/],
    ] as const;
    for (const [argv, message] of cases) {
      const r = await runCli(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toMatch(message);
    }
    const bad = scratch();
    bad.write("x.policy.yaml", TEST_POLICY.replace("severity: high", "severity: urgent"));
    const r = await runCli("scan", src.root, "--rules", bad.root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.policy\.yaml: checks\.0\.severity/);
  });
});

describe("posture scan: contexts, .posture.yaml and skipped files", () => {
  const ctx = scratchTree(
    {
      ".posture.yaml": "exclude:\n  - path: vendor\n    reason: upstream copy\ncontexts:\n  - path: tools/**\n    context: build\n",
      "svc/app.py": "eval(a)\n",
      "tests/test_app.py": "eval(b)\n",
      "tools/gen.py": "eval(c)\n",
      "vendor/lib.py": "eval(d)\n",
      "node_modules/x/y.py": "eval(e)\n",
    },
    "posture-ctx-",
  );

  it("JSON carries each finding's context, the skipped files and what .posture.yaml asked for", async () => {
    const { code, stdout } = await runCli("scan", ctx.root, "--format", "json", "--rules", rules.root);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.findings.map((f: { path: string; context: string }) => `${f.path} ${f.context}`)).toEqual([
      "svc/app.py production",
      "tests/test_app.py test",
      "tools/gen.py build",
    ]);
    expect(out.skippedFiles).toEqual([
      { path: "node_modules", reason: "ignored-directory" },
      { path: "vendor", reason: "excluded", detail: "upstream copy" },
    ]);
    expect(out.skippedFilesOmitted).toBe(0);
    expect(out.repoConfig).toEqual({
      exclusions: [{ path: "vendor", reason: "upstream copy" }],
      contextOverrides: [{ path: "tools/**", context: "build" }],
      disabledChecks: [],
    });
  });

  it("text shows a context other than production, and --verbose lists the skipped files and the configuration", async () => {
    const plain = (await runCli("scan", ctx.root, "--rules", rules.root)).stdout;
    const lineOf = (out: string, path: string) => out.split("\n")[out.split("\n").indexOf(path) + 1]!;
    expect(lineOf(plain, "svc/app.py")).not.toMatch(/\(production\)|\(test\)/);
    expect(lineOf(plain, "tests/test_app.py")).toMatch(/high\s+\(test\) eval of b/);
    expect(plain).toContain("Not production code: 1 in test, 1 in build");
    expect(plain).not.toContain("upstream copy");
    expect(plain.trimEnd().split("\n").at(-1)).toMatch(/--verbose lists the skipped files$/);

    const verbose = (await runCli("scan", ctx.root, "--rules", rules.root, "--verbose")).stdout;
    expect(verbose).toContain("\nSkipped\n  node_modules: ignored-directory\n  vendor: excluded (upstream copy)\n");
    expect(verbose).toContain("Repository configuration (.posture.yaml)\n  excluded  vendor: upstream copy\n  context   tools/**: build\n");
    expect((await runCli("rules", "--verbose", "--rules", rules.root)).code).toBe(2);
  });

  it("SARIF carries the context as a property and a tag, and says it in the message", async () => {
    const log = JSON.parse((await runCli("scan", ctx.root, "--format", "sarif", "--rules", rules.root)).stdout);
    const results = log.runs[0].results as {
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      message: { text: string };
      properties: { context: string; tags: string[] };
    }[];
    const byPath = new Map(results.map((r) => [r.locations[0]!.physicalLocation.artifactLocation.uri, r]));
    expect(byPath.get("svc/app.py")).toMatchObject({
      message: { text: "eval of a" },
      properties: { context: "production", tags: ["context/production"] },
    });
    expect(byPath.get("tests/test_app.py")).toMatchObject({
      message: { text: "eval of b (in test code)" },
      properties: { context: "test", tags: ["context/test"] },
    });
    expect(byPath.get("tools/gen.py")?.properties.context).toBe("build");
  });

  it("a bad .posture.yaml is an error naming the field; the scan goes on with the defaults", async () => {
    const bad = scratch("posture-badcfg-");
    bad.write(".posture.yaml", "exclude:\n  - path: vendor\n");
    bad.write("vendor/lib.py", "eval(d)\n");
    const { code, stdout } = await runCli("scan", bad.root, "--format", "json", "--rules", rules.root);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.errors).toEqual([{ path: ".posture.yaml", message: "exclude[0].reason: required; scanned with the defaults" }]);
    expect(out.findings.map((f: { path: string }) => f.path)).toEqual(["vendor/lib.py"]);
    const text = (await runCli("scan", bad.root, "--rules", rules.root)).stdout;
    expect(text).toContain("\nErrors\n  .posture.yaml: exclude[0].reason: required; scanned with the defaults\n");
  });
});

describe("posture rules", () => {
  it("lists policies and checks as JSON", async () => {
    const { code, stdout } = await runCli("rules", "--format", "json", "--rules", rules.root);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.policies[0].policy).toBe("Test Policy");
    expect(out.policies[0].checks.map((c: { id: string }) => c.id)).toContain("test.python.eval");
  });
});

describe("bin/posture", () => {
  it("runs the real executable and writes a large report completely to a pipe", () => {
    const big = scratch();
    for (let i = 0; i < 40; i++) big.write(`m${i}.py`, Array.from({ length: 50 }, (_, j) => `eval(v${j})`).join("\n"));
    const out = execFileSync(join(repo, "bin/posture"), ["scan", big.root, "--format", "json", "--rules", rules.root], {
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(JSON.parse(out.toString()).findings).toHaveLength(2000);
    const missing = spawnSync(join(repo, "bin/posture"), ["scan", join(big.root, "nope")]);
    expect(missing.status).toBe(2);
  });

  it("runs its TypeScript commands from any working directory, not only the checkout", () => {
    // `node --import tsx` resolves tsx from the working directory: outside the checkout it was not found.
    const elsewhere = scratch();
    const r = spawnSync(join(repo, "bin/posture"), ["user", "--help"], { cwd: elsewhere.root });
    expect(r.stderr.toString()).not.toMatch(/Cannot find package/);
    expect(r.stderr.toString()).toMatch(/usage: posture user create --email/);
  });
});

describe("database commands", () => {
  it("migrate, create a user and a token through the real executable", async () => {
    const { scratchDatabaseUrl } = await import("./support/db.ts");
    const { dropDatabase } = await import("../lib/db/migrate.ts");
    // Trust auth ignores the password; it is there to prove it is never printed.
    const url = scratchDatabaseUrl("cli").replace("postgres@", "postgres:hunter2@");
    const env = { ...process.env, DATABASE_URL: url };
    const bin = join(repo, "bin/posture");
    try {
      const first = spawnSync(bin, ["db", "migrate"], { env });
      expect([first.status, first.stdout.toString()]).toEqual([0, expect.stringMatching(/^created database; applied \d+_init/)]);
      expect(first.stdout.toString()).not.toContain("hunter2");
      expect(spawnSync(bin, ["db", "migrate"], { env }).stdout.toString()).toMatch(/database is up to date/);
      const user = spawnSync(bin, ["user", "create", "--email", "Lead@Example.test", "--role", "security_lead"], { env });
      expect([user.status, user.stdout.toString()]).toEqual([
        0,
        expect.stringMatching(/^created security_lead lead@example\.test .*\npassword \(shown only once\): [A-Za-z0-9_-]{24}\n$/),
      ]);
      const piped = spawnSync(bin, ["user", "create", "--email", "eng@example.test", "--role", "engineer", "--password-stdin"], {
        env,
        input: "a long enough passphrase\n",
      });
      expect([piped.status, piped.stdout.toString()]).toEqual([
        0,
        expect.stringMatching(/^created engineer eng@example\.test \([^)]+\)\n$/),
      ]);
      const weak = spawnSync(bin, ["user", "create", "--email", "weak@example.test", "--password-stdin"], { env, input: "short\n" });
      expect([weak.status, weak.stderr.toString()]).toEqual([2, expect.stringMatching(/at least 12 characters/)]);
      const again = spawnSync(bin, ["user", "create", "--email", "lead@example.test"], { env });
      expect([again.status, again.stderr.toString()]).toEqual([2, expect.stringMatching(/already exists/)]);
      const badRole = spawnSync(bin, ["user", "create", "--email", "x@example.test", "--role", "root"], { env });
      expect([badRole.status, badRole.stderr.toString()]).toEqual([2, expect.stringMatching(/--role/)]);
      const token = spawnSync(
        bin,
        ["token", "create", "--email", "lead@example.test", "--name", "ci", "--scope", "write", "--expires-days", "30"],
        { env },
      );
      expect(token.status).toBe(0);
      expect(token.stdout.toString().trim()).toMatch(/^pst_[A-Za-z0-9_-]{40,}$/);
      expect(token.stderr.toString()).toMatch(/shown only once/);
      const unreachable = spawnSync(bin, ["db", "migrate"], {
        env: { ...process.env, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x" },
      });
      expect([unreachable.status, unreachable.stderr.toString().trim()]).toEqual([
        2,
        "posture: cannot reach the database (is PostgreSQL running? set DATABASE_URL)",
      ]);
    } finally {
      await dropDatabase(url);
    }
  });
});
