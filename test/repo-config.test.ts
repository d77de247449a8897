import { symlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../lib/engine/rulebook.ts";
import { parseRepoConfig } from "../lib/engine/repo-config.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { MAX_SKIPPED_LISTED } from "../lib/engine/walk.ts";
import { scratch, TEST_POLICY } from "./helpers.ts";
import { scratchTree } from "./support/scratch-tree.ts";

const checks = parsePolicy(TEST_POLICY, "test.policy.yaml").checks;

const CONFIG = `
exclude:
  - path: third_party
    reason: vendored upstream code
  - path: "**/*_pb2.py"
    reason: generated protobuf stubs
contexts:
  - path: tools/**
    context: build
  - path: tools/serve/**
    context: production
disable:
  - check: test.python.*
    paths: [legacy/**]
    reason: being rewritten
  - check: test.props.bind-all
    reason: dev-only properties
`;

describe(".posture.yaml parsing", () => {
  it("matches globs against the path and its directories; the last context entry wins", () => {
    const r = parseRepoConfig(CONFIG);
    if (!r.ok) throw new Error(r.error);
    const c = r.config;
    expect(c.excluded("third_party")).toBe("vendored upstream code");
    expect(c.excluded("third_party/lib/a.py")).toBe("vendored upstream code");
    expect(c.excluded("api/v1/model_pb2.py")).toBe("generated protobuf stubs");
    expect(c.excluded("third_party_notes/a.py")).toBeUndefined();
    expect(c.contextOf("tools/gen.py")).toBe("build");
    expect(c.contextOf("tools/serve/app.py")).toBe("production");
    expect(c.contextOf("app.py")).toBeUndefined();
    expect(c.disabled("test.python.eval", "legacy/a.py")).toBe(true);
    expect(c.disabled("test.python.eval", "app.py")).toBe(false);
    expect(c.disabled("test.props.bind-all", "any/where/x.properties")).toBe(true);
    expect(c.summary).toEqual({
      exclusions: [
        { path: "third_party", reason: "vendored upstream code" },
        { path: "**/*_pb2.py", reason: "generated protobuf stubs" },
      ],
      contextOverrides: [
        { path: "tools/**", context: "build" },
        { path: "tools/serve/**", context: "production" },
      ],
      disabledChecks: [
        { check: "test.python.*", paths: ["legacy/**"], reason: "being rewritten" },
        { check: "test.props.bind-all", paths: ["**"], reason: "dev-only properties" },
      ],
    });
  });

  it.each([
    ["exclude:\n  - path: vendor\n", "exclude[0].reason: required"],
    ["exclude:\n  - path: vendor\n    reason: '  '\n", "exclude[0].reason: required"],
    ["exclude: vendor\n", "exclude: must be a list"],
    ["exclude:\n  - vendor\n", "exclude[0]: must be a mapping of path and reason"],
    ["exclude:\n  - path: ../outside\n    reason: x\n", "exclude[0].path: must stay inside the repository (no '..')"],
    ["contexts:\n  - path: x/**\n    context: testing\n", "contexts[0].context: must be one of production, example, test, docs, build"],
    ["disable:\n  - check: Modal Secrets\n    reason: x\n", "disable[0].check: must be a check id or an id glob such as modal.secrets.*"],
    ["disable:\n  - check: a.b\n    paths: []\n    reason: x\n", "disable[0].paths: give at least one path glob"],
    ["excludes:\n  - path: x\n", "unknown field 'excludes'"],
    ["exclude:\n  - path: x\n    reason: y\n    why: z\n", "exclude[0]: unknown field 'why'"],
    ["- a\n- b\n", "(top level): must be a mapping of exclude, contexts and disable"],
    ["exclude: [\n", "not valid YAML"],
  ])("rejects %j naming the field", (text, message) => {
    const r = parseRepoConfig(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });

  it("takes an empty file for one that asks for nothing", () => {
    const r = parseRepoConfig("# nothing yet\n");
    expect(r.ok && r.config.summary).toEqual({ exclusions: [], contextOverrides: [], disabledChecks: [] });
  });
});

describe("scanDirectory honours .posture.yaml", () => {
  function repo(config?: string) {
    const s = scratchTree({
      "app.py": "eval(a)\n",
      "third_party/lib/x.py": "eval(b)\n",
      "third_party/lib/y.py": "eval(c)\n",
      "api/model_pb2.py": "eval(d)\n",
      "tools/gen.py": "eval(e)\n",
      "legacy/old.py": "eval(f)\n",
      "conf/config.properties": "address=0.0.0.0\n",
    });
    if (config !== undefined) s.write(".posture.yaml", config);
    return s;
  }

  it("excludes paths with their reason, overrides contexts and turns checks off", async () => {
    const r = await scanDirectory(repo(CONFIG).root, { checks });
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => `${f.path} ${f.ruleId} ${f.context}`)).toEqual([
      "app.py test.python.eval production",
      "tools/gen.py test.python.eval build",
    ]);
    expect(r.skippedFiles).toEqual([
      { path: "api/model_pb2.py", reason: "excluded", detail: "generated protobuf stubs" },
      { path: "third_party", reason: "excluded", detail: "vendored upstream code" },
    ]);
    expect(r.stats.skipped.excluded).toBe(2);
    expect(r.repoConfig?.exclusions).toHaveLength(2);
    expect(r.repoConfig?.disabledChecks.map((d) => d.check)).toEqual(["test.python.*", "test.props.bind-all"]);
  });

  it("without the file scans everything and reports no configuration", async () => {
    const r = await scanDirectory(repo().root, { checks });
    expect(r.findings).toHaveLength(7);
    expect(r.repoConfig).toBeUndefined();
    expect(r.skippedFiles).toEqual([]);
  });

  it("reports a bad file in errors, naming the field, and scans with the defaults", async () => {
    const r = await scanDirectory(repo("exclude:\n  - path: third_party\n").root, { checks });
    expect(r.errors).toEqual([{ path: ".posture.yaml", message: "exclude[0].reason: required; scanned with the defaults" }]);
    expect(r.findings).toHaveLength(7);
    expect(r.repoConfig).toEqual({ exclusions: [], contextOverrides: [], disabledChecks: [] });
  });

  it("says when a disable entry names no check, and does not follow a linked configuration", async () => {
    const r = await scanDirectory(repo("disable:\n  - check: tset.python.eval\n    reason: typo\n").root, { checks });
    expect(r.errors.map((e) => e.message)).toEqual(["disable[0].check: 'tset.python.eval' names no check"]);
    expect(r.findings).toHaveLength(7);

    const s = repo();
    const outside = scratch();
    outside.write("evil.yaml", "exclude:\n  - path: app.py\n    reason: hide it\n");
    symlinkSync(outside.path("evil.yaml"), s.path(".posture.yaml"));
    const linked = await scanDirectory(s.root, { checks });
    expect(linked.errors.map((e) => e.message)).toEqual(["is a symbolic link; not read; scanned with the defaults"]);
    expect(linked.findings.map((f) => f.path)).toContain("app.py");
  });
});

describe("skipped files are named", () => {
  it("with their reason, an ignored directory once, files no check reads only counted", async () => {
    const s = scratchTree({
      "app.py": "eval(a)\n",
      "node_modules/a/x.py": "eval(b)\n",
      "node_modules/b/y.py": "eval(c)\n",
      "big.py": `eval(x)\n${"#".repeat(20_000)}\n`,
      "blob.py": Buffer.from([0x65, 0x76, 0x00, 0x61, 0x6c]),
      "logo.png": "not code",
    });
    symlinkSync("/etc/hostname", s.path("link.py"));
    const r = await scanDirectory(s.root, { checks, maxFileBytes: 10_000 });
    expect(r.skippedFiles).toEqual([
      { path: "big.py", reason: "too-large" },
      { path: "blob.py", reason: "binary" },
      { path: "link.py", reason: "symlink" },
      { path: "node_modules", reason: "ignored-directory" },
    ]);
    expect(r.skippedFilesOmitted).toBe(0);
    expect(r.stats.skipped["not-a-target"]).toBe(1);
  });

  it("up to a cap, counting the rest", async () => {
    const s = scratch();
    const n = MAX_SKIPPED_LISTED + 7;
    for (let i = 0; i < n; i++) s.write(`f${String(i).padStart(4, "0")}.py`, "eval(x)\n");
    const r = await scanDirectory(s.root, { checks, maxFiles: 0 });
    expect(r.stats.skipped["file-limit"]).toBe(n);
    expect(r.skippedFiles).toHaveLength(MAX_SKIPPED_LISTED);
    expect(r.skippedFilesOmitted).toBe(7);
    expect(r.skippedFiles.every((f) => f.reason === "file-limit")).toBe(true);
    expect(r.skippedFiles.map((f) => f.path)).toEqual([...r.skippedFiles.map((f) => f.path)].sort());
  });
});
