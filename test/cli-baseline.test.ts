/**
 * `posture scan --baseline <ref>` on a real git repository: only findings absent at the ref are reported, the
 * comparison is by fingerprint (moved code is not new), and the ref's tree is written and removed without git
 * running anything of the repository's or leaving anything in its .git.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareFindings } from "../lib/engine/baseline.ts";
import { scratch, TEST_POLICY } from "./helpers.ts";
import { runCli } from "./support/cli-run.ts";
import { TestRepo } from "./support/git.ts";

const rules = scratch("posture-baseline-rules-");
rules.write("test.policy.yaml", TEST_POLICY);
const work = scratch("posture-baseline-repo-");
const hookRan = work.path("hook-ran");
const plain = scratch("posture-baseline-plain-");
plain.write("a.py", "eval(x)\n");

const repo = new TestRepo(work.path("repo"));
repo.write("svc/app.py", "def handle(x):\n    return eval(x)\n").write("svc/conf/config.properties", "address=0.0.0.0\n");
const base = repo.commit("base");
// Head: the eval moves down (same fingerprint), a secret is added, the bind-all setting is fixed.
repo
  .write("svc/app.py", 'import os\n\nAPI_KEY = "abcd-1234-efgh-5678-ijkl"\n\n\ndef handle(x):\n    return eval(x)\n')
  .write("svc/conf/config.properties", "address=127.0.0.1\n");
const head = repo.commit("head");
// A hook git would run on a checkout: the baseline must be written without it.
writeFileSync(join(repo.dir, ".git/hooks/post-checkout"), `#!/bin/sh\ntouch ${hookRan}\n`);
chmodSync(join(repo.dir, ".git/hooks/post-checkout"), 0o755);

type Out = {
  findings: { ruleId: string; path: string; line: number; fingerprint: string }[];
  baseline: { ref: string; commit: string; fixed: { ruleId: string }[]; unchanged: number };
};

const baselineDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith("posture-baseline-tree-"));

describe("compareFindings", () => {
  it("splits by fingerprint into introduced, fixed and unchanged", () => {
    const f = (fingerprint: string, line = 1) => ({ fingerprint, line });
    const change = compareFindings([f("a"), f("b", 5)], [f("b", 9), f("c")]);
    expect(change).toEqual({ introduced: [f("c")], fixed: [f("a")], unchanged: [f("b", 9)] });
    expect(compareFindings([], [f("x")]).introduced).toEqual([f("x")]);
  });
});

describe("posture scan --baseline", () => {
  it("reports only the findings the ref does not have, by fingerprint", async () => {
    const before = baselineDirs();
    const { code, stdout, stderr } = await runCli("scan", repo.dir, "--format", "json", "--rules", rules.root, "--baseline", base);
    expect([code, stderr]).toEqual([0, ""]);
    const out = JSON.parse(stdout) as Out;
    expect(out.findings.map((f) => `${f.ruleId} ${f.path}:${f.line}`)).toEqual(["test.python.secret svc/app.py:3"]);
    expect(out.baseline).toMatchObject({ ref: base, commit: base, unchanged: 1 });
    expect(out.baseline.fixed.map((f) => f.ruleId)).toEqual(["test.props.bind-all"]);
    // Without the baseline the same scan has the moved eval too: the comparison, not the scan, removed it.
    const all = JSON.parse((await runCli("scan", repo.dir, "--format", "json", "--rules", rules.root)).stdout) as Out;
    expect(all.findings.map((f) => f.ruleId).sort()).toEqual(["test.python.eval", "test.python.secret"]);
    expect(all.baseline).toBeUndefined();
    expect(existsSync(hookRan)).toBe(false);
    expect(baselineDirs()).toEqual(before);
    expect(readdirSync(join(repo.dir, ".git"))).not.toContain("worktrees");
  });

  it("--fail-on counts only new findings", async () => {
    expect((await runCli("scan", repo.dir, "--rules", rules.root, "--fail-on", "high")).code).toBe(1);
    expect((await runCli("scan", repo.dir, "--rules", rules.root, "--fail-on", "high", "--baseline", "HEAD")).code).toBe(0);
    expect((await runCli("scan", repo.dir, "--rules", rules.root, "--fail-on", "high", "--baseline", "HEAD~1")).code).toBe(1);
  });

  it("compares the working tree as it is, uncommitted changes included", async () => {
    repo.write("svc/extra.py", "eval(data)\n");
    try {
      const out = JSON.parse((await runCli("scan", repo.dir, "--format", "json", "--rules", rules.root, "--baseline", head)).stdout) as Out;
      expect(out.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(["test.python.eval svc/extra.py"]);
    } finally {
      repo.remove("svc/extra.py");
    }
  });

  it("a subdirectory is compared with the same subdirectory at the ref, one added since with an empty tree", async () => {
    const sub = JSON.parse(
      (await runCli("scan", join(repo.dir, "svc"), "--format", "json", "--rules", rules.root, "--baseline", base)).stdout,
    ) as Out;
    expect(sub.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(["test.python.secret app.py"]);
    expect(sub.baseline.unchanged).toBe(1);
    repo.write("later/job.py", "eval(a)\n");
    repo.commit("later");
    try {
      const added = JSON.parse(
        (await runCli("scan", join(repo.dir, "later"), "--format", "json", "--rules", rules.root, "--baseline", base)).stdout,
      ) as Out;
      expect(added.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(["test.python.eval job.py"]);
      expect(added.baseline.unchanged).toBe(0);
    } finally {
      repo.git("reset", "-q", "--hard", head);
    }
  });

  it("text and sarif show the new findings and say what they were compared with", async () => {
    const text = await runCli("scan", repo.dir, "--rules", rules.root, "--baseline", base);
    expect(text.stdout).toContain("API_KEY");
    expect(text.stdout).not.toContain("eval(x)");
    expect(text.stdout).toMatch(
      new RegExp(`Compared with ${base} \\(${base.slice(0, 12)}\\): 1 new finding shown, 1 finding fixed, 1 already there`),
    );
    const sarif = JSON.parse((await runCli("scan", repo.dir, "--format", "sarif", "--rules", rules.root, "--baseline", base)).stdout);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(["test.python.secret"]);
  });

  it("a ref that is not a commit, an option as a ref, or a path outside git is a one-line error, exit 2", async () => {
    const missing = await runCli("scan", repo.dir, "--rules", rules.root, "--baseline", "no-such-branch");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^posture: --baseline: no-such-branch is not a commit in this repository .*git fetch/);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    const option = await runCli("scan", repo.dir, "--rules", rules.root, "--baseline=--output=/tmp/x");
    expect([option.code, option.stderr]).toEqual([2, 'posture: --baseline: "--output=/tmp/x" is not a git ref\n']);
    const outside = await runCli("scan", plain.root, "--rules", rules.root, "--baseline", "HEAD");
    expect([outside.code, outside.stderr]).toEqual([2, `posture: --baseline: ${plain.root} is not inside a git repository\n`]);
    const nodir = await runCli("scan", join(repo.dir, "nope"), "--rules", rules.root, "--baseline", "HEAD");
    expect(nodir.code).toBe(2);
    expect(nodir.stderr).toMatch(/no such directory/);
  });

  it("bin/posture (the bundled CLI) takes the flag", () => {
    const r = spawnSync(join(import.meta.dirname, "../bin/posture"), [
      "scan",
      repo.dir,
      "--format",
      "json",
      "--rules",
      rules.root,
      "--baseline",
      base,
    ]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout.toString()) as Out).findings.map((f) => f.ruleId)).toEqual(["test.python.secret"]);
  });
});
