/**
 * Dependency advisories: the PEP 440 logic they rest on (drawn from PEP 440's own examples), the bundled set,
 * the checks over a repository's declarations (pinned, ranges, locks, constraints, once per manifest, lines,
 * fingerprints), and that every bundled advisory has a fixture.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAdvisories } from "../lib/engine/advisory-set.ts";
import { describeInterval, intersect, pinnedVersion, specInterval, versionIn } from "../lib/engine/pep440.ts";
import { FIXTURES_SUFFIX, loadRulebook, type Check } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch } from "./helpers.ts";

const RULES = join(import.meta.dirname, "..", "rules");
const rulebook = loadRulebook(RULES);
const policy = rulebook.policies.find((p) => p.file === "ml-serving/dependency-advisories.policy.yaml")!;
const checks: Check[] = policy.checks;
const PINNED = "ml-serving.dependency.vulnerable-version";
const bundled = loadAdvisories(RULES).filter((a) => !a.file.startsWith("advisories/local/"));

async function scan(files: Record<string, string>) {
  const s = scratch("posture-advisories-");
  for (const [p, t] of Object.entries(files)) s.write(p, t);
  const r = await scanDirectory(s.root, { checks });
  expect(r.errors).toEqual([]);
  return r;
}
const ids = (msg: string) => /is affected by (\S+)|affected by (\S+)/.exec(msg)!.slice(1).find(Boolean)!;
const summary = (r: Awaited<ReturnType<typeof scan>>) =>
  r.findings.map((f) => `${f.path}:${f.line} ${f.ruleId === PINNED ? "pinned" : "range"} ${ids(f.message)} ${f.severity}`).sort();

describe("PEP 440 (pep440.ts over @renovatebot/pep440), PEP 440's own examples", () => {
  it("~= is >= the version and == its series", () => {
    // ~= 2.2 is >= 2.2, == 2.*; ~= 1.4.5 is >= 1.4.5, == 1.4.*
    expect([versionIn("2.3", "~=2.2"), versionIn("2.9.9", "~=2.2"), versionIn("3.0", "~=2.2"), versionIn("2.1", "~=2.2")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect([versionIn("1.4.9", "~=1.4.5"), versionIn("1.5.0", "~=1.4.5")]).toEqual([true, false]);
    // ~= 2.2.post3 is >= 2.2.post3, == 2.*; ~= 1.4.5a4 is >= 1.4.5a4, == 1.4.*; ~= 2.2.0 is == 2.2.*
    expect([
      versionIn("2.2", "~=2.2.post3"),
      versionIn("2.2.post3", "~=2.2.post3"),
      versionIn("2.9", "~=2.2.post3"),
      versionIn("3.0", "~=2.2.post3"),
    ]).toEqual([false, true, true, false]);
    expect([versionIn("1.4.5a3", "~=1.4.5a4"), versionIn("1.4.5", "~=1.4.5a4"), versionIn("1.5", "~=1.4.5a4")]).toEqual([
      false,
      true,
      false,
    ]);
    expect([versionIn("2.2.9", "~=2.2.0"), versionIn("2.3", "~=2.2.0")]).toEqual([true, false]);
    expect(describeInterval(specInterval("~=2.2")!)).toBe(">=2.2,<3");
    expect(describeInterval(specInterval("~=1.4.5")!)).toBe(">=1.4.5,<1.5");
  });

  it("== matches with zero padding and local versions; .* matches a prefix, post-releases included", () => {
    // "==1.1" does not match 1.1.post1; "==1.1.*" does; 1.1 and 1.1.0 are equal
    expect([
      versionIn("1.1.post1", "==1.1"),
      versionIn("1.1.post1", "==1.1.*"),
      versionIn("1.1.0", "==1.1"),
      versionIn("1.1", "==1.1.0"),
    ]).toEqual([false, true, true, true]);
    expect([versionIn("2.1.0+cu118", "==2.1.0"), versionIn("2.1.0+cu118", "<2.6.0")]).toEqual([true, true]);
    expect([pinnedVersion("==2.1.0"), pinnedVersion("==2.1.*"), pinnedVersion(">=2"), pinnedVersion("===2.1.0")]).toEqual([
      "2.1.0",
      undefined,
      undefined,
      "2.1.0",
    ]);
  });

  it("=== compares strings: 1.0 is not 1.0.0; a legacy string has no place in the version order", () => {
    expect([versionIn("1.0", "===1.0"), versionIn("1.0.0", "===1.0")]).toEqual([true, false]);
    expect(specInterval("===foobar")).toBeNull();
  });

  it("exclusive comparisons leave out the version's own post- and pre-releases", () => {
    // >1.7 allows 1.7.1 but not 1.7.0.post1; >1.7.post2 allows 1.7.1 and 1.7.0.post3 but not 1.7.0
    expect([versionIn("1.7.1", ">1.7"), versionIn("1.7.0.post1", ">1.7")]).toEqual([true, false]);
    expect([versionIn("1.7.1", ">1.7.post2"), versionIn("1.7.0.post3", ">1.7.post2"), versionIn("1.7.0", ">1.7.post2")]).toEqual([
      true,
      true,
      false,
    ]);
    // <3.1 does not allow 3.1.0rc1 (a pre-release of the version itself), but does 3.0.dev1
    expect([versionIn("3.1.0rc1", "<3.1"), versionIn("3.0.dev1", "<3.1")]).toEqual([false, true]);
  });

  it("epochs order before everything else", () => {
    expect([versionIn("1!1.0", "<2.0"), versionIn("1!1.0", ">=2.0")]).toEqual([false, true]);
    expect(intersect(specInterval("==1!2.*")!, specInterval("<3")!)).toBeUndefined();
    expect(describeInterval(intersect(specInterval("==1!2.*")!, specInterval(">=1!2.5")!)!)).toBe(">=1!2.5,<1!3");
  });

  it("intersects specifier sets: which versions a declaration and an advisory share", () => {
    const both = (a: string, b: string) => {
      const i = intersect(specInterval(a)!, specInterval(b)!);
      return i ? describeInterval(i) : "none";
    };
    expect(both(">=1.9", "<2.6.0")).toBe(">=1.9,<2.6.0");
    expect(both(">=2.6", "<2.6.0")).toBe("none");
    expect(both("==2.1.*", "<2.1.5")).toBe(">=2.1,<2.1.5");
    expect(both("~=2.2", ">=3.0")).toBe("none");
    expect(both("<=2.0", ">=2.0")).toBe("==2.0");
    expect(both(">2.0,<2.0.1", "<3")).toBe(">2.0,<2.0.1");
    expect(both(">=2,!=2.5", "==2.5")).toBe("==2.5"); // != is not subtracted: the safe side
    expect(specInterval(">=3,<2")).toBeUndefined();
  });
});

describe("the bundled advisory set", () => {
  it("has at least 30 entries for the ML-serving stack, each with a CVE or GHSA id, a reference and a date", () => {
    expect(bundled.length).toBeGreaterThanOrEqual(30);
    for (const a of bundled)
      expect(
        [a.id, ...a.aliases].some((id) => /^(CVE-\d{4}-\d+|GHSA-)/.test(id)),
        a.id,
      ).toBe(true);
    const packages = new Set(bundled.map((a) => a.package));
    for (const p of ["torch", "torchserve", "bentoml", "ray", "transformers", "vllm", "gradio", "mlflow", "fastapi", "starlette"])
      expect(packages.has(p), p).toBe(true);
  });

  it("never lists a fixed release inside its own affected ranges", () => {
    for (const a of bundled)
      for (const f of a.fixed) for (const r of a.affected) expect(versionIn(f, r), `${a.id} ${a.package}: ${f} in ${r}`).toBe(false);
  });

  it("has a fixture for every advisory: the fixtures report each, and each fixed release clears it", async () => {
    const fixtures = join(RULES, "ml-serving", `dependency-advisories${FIXTURES_SUFFIX}`);
    const r = await scanDirectory(fixtures, { checks });
    const reported = new Set(
      r.findings.map((f) => `${(/^(\S+) \S+ is affected by/.exec(f.message) ?? / admits (\S+) /.exec(f.message))![1]}:${ids(f.message)}`),
    );
    const missing = bundled.filter((a) => !reported.has(`${a.package}:${a.id}`)).map((a) => `${a.package} ${a.id}`);
    expect(missing).toEqual([]);
    // and one where no code reaches it, for each advisory that says what does (reach/not-reached/)
    const notReached = new Set(r.advisoriesNotReached.map((n) => `${n.package}:${n.advisory}`));
    const neverUnreached = bundled.filter((a) => a.reachable && !notReached.has(`${a.package}:${a.id}`)).map((a) => `${a.package} ${a.id}`);
    expect(neverUnreached).toEqual([]);
    const files: Record<string, string> = {};
    for (const a of bundled) a.fixed.forEach((f, i) => (files[`${a.package}/${a.id}/${i}/requirements.txt`] = `${a.package}==${f}\n`));
    const fixedScan = await scan(files);
    const stillReported = fixedScan.findings.filter((f) => f.path.split("/")[1] === ids(f.message)).map((f) => f.path);
    expect(stillReported).toEqual([]);
  });
});

describe("advisory checks over a repository's declarations", () => {
  it("reports a pinned affected version at the advisory's severity, once per advisory, at the declaration's line", async () => {
    const r = await scan({ "svc/requirements.txt": "# serving\nnumpy==2.0\n\ntorch==2.5.1  # pinned for CUDA 12.1\n" });
    expect(summary(r)).toEqual([
      "svc/requirements.txt:4 pinned CVE-2025-32434 critical",
      "svc/requirements.txt:4 pinned CVE-2026-24747 high",
    ]);
    expect(r.findings[0]).toMatchObject({ column: 1, endColumn: 13, snippet: "torch==2.5.1  # pinned for CUDA 12.1" });
    expect(r.findings.find((f) => f.severity === "critical")!.message).toBe(
      "torch 2.5.1 is affected by CVE-2025-32434 / GHSA-53q9-r3pm-6pq6 (critical): torch.load with weights_only=True still runs code from a crafted checkpoint; fixed in 2.6.0 (https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6).",
    );
  });

  it("reports a range that admits a critical advisory lower, naming the versions it admits; high ones not at all", async () => {
    const r = await scan({ "requirements.txt": "torch>=2.4,<2.8\ngradio>=4.0\n" });
    expect(summary(r)).toEqual(["requirements.txt:1 range CVE-2025-32434 medium"]);
    expect(r.findings[0]!.message).toContain("torch>=2.4,<2.8 admits torch >=2.4,<2.6.0, affected by CVE-2025-32434");
    expect((await scan({ "requirements.txt": "torch>=2.6\n" })).findings).toEqual([]);
  });

  it("reports a range once however many critical advisories it admits, detailing the one whose fix is highest", async () => {
    const r = await scan({ "requirements.txt": "torch>=2.0\n" });
    expect(summary(r)).toEqual(["requirements.txt:1 range CVE-2025-32434 medium"]);
    expect(r.findings[0]!.message).toMatch(
      /^torch>=2\.0 admits torch >=2\.0,<2\.6\.0, affected by CVE-2025-32434 .*; it also admits versions affected by CVE-2024-5480 \(fixed in 2\.2\.2\)\.$/,
    );
    // The finding is the declaration's: narrowing the range past one advisory keeps it.
    const narrower = await scan({ "requirements.txt": "torch>=2.3\n" });
    expect(narrower.findings.map((f) => f.fingerprint)).toEqual(r.findings.map((f) => f.fingerprint));
    expect(narrower.findings[0]!.message).not.toContain("it also admits");
  });

  it("lets a lock file decide: its pin is reported and the range beside it is not", async () => {
    const r = await scan({
      "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["torch>=1.0"]\n',
      "uv.lock":
        'version = 1\n\n[[package]]\nname = "numpy"\nversion = "2.0.0"\ndependencies = [{ name = "torch" }]\n\n[[package]]\nname = "torch"\nversion = "2.5.1"\n',
    });
    expect(summary(r)).toEqual(["uv.lock:9 pinned CVE-2025-32434 critical", "uv.lock:9 pinned CVE-2026-24747 high"]);
    expect(
      (
        await scan({
          "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["torch>=1.0"]\n',
          "uv.lock": '[[package]]\nname = "torch"\nversion = "2.10.0"\n',
        })
      ).findings,
    ).toEqual([]);
  });

  it("reads Pipfile.lock (JSON, so no fixture can annotate it) at the package's entry", async () => {
    const lock = JSON.stringify(
      {
        _meta: { hash: { sha256: "x" } },
        default: { numpy: { version: "==2.0.0" }, torch: { hashes: [], version: "==2.5.1" } },
        develop: {},
      },
      null,
      4,
    );
    const r = await scan({ "Pipfile.lock": lock, Pipfile: '[packages]\ntorch = "*"\n' });
    expect(summary(r)).toEqual([
      `Pipfile.lock:${lock.split("\n").findIndex((l) => l.includes('"torch"')) + 1} pinned CVE-2025-32434 critical`,
      `Pipfile.lock:${lock.split("\n").findIndex((l) => l.includes('"torch"')) + 1} pinned CVE-2026-24747 high`,
    ]);
  });

  it("reports each (package, advisory, manifest) once: the pinned finding over the range, the first line", async () => {
    const r = await scan({
      "pyproject.toml":
        '[project]\nname = "svc"\ndependencies = [\n  "torch>=2.0",\n]\n\n[project.optional-dependencies]\ngpu = [\n  "torch==2.5.1",\n]\ncpu = ["torch==2.5.0"]\n',
    });
    // torch>=2.0 still admits 2.0 to 2.2.1, which the pins do not: that critical advisory is the range's.
    expect(summary(r)).toEqual([
      "pyproject.toml:4 range CVE-2024-5480 medium",
      "pyproject.toml:9 pinned CVE-2025-32434 critical",
      "pyproject.toml:9 pinned CVE-2026-24747 high",
    ]);
  });

  it("keeps a finding's fingerprint when the version moves within the range or lines move, not when the manifest does", async () => {
    const before = await scan({ "svc/requirements.txt": "torch==2.5.1\n" });
    const after = await scan({ "svc/requirements.txt": "# upgraded, still old\nnumpy\ntorch==2.4.0\n" });
    const moved = await scan({ "api/requirements.txt": "torch==2.5.1\n" });
    const fps = (r: typeof before) => r.findings.map((f) => f.fingerprint).sort();
    expect(fps(after)).toEqual(fps(before));
    expect(fps(moved).filter((f) => fps(before).includes(f))).toEqual([]);
  });

  it("follows the repository's .posture.yaml: a disabled check reports nothing there", async () => {
    const r = await scan({
      "tools/requirements.txt": "torch==2.5.1\n",
      "svc/requirements.txt": "torch==2.9.1\n",
      ".posture.yaml": `disable:\n  - check: ${PINNED}\n    paths: [tools/**]\n    reason: a one-off export script, never deployed\n`,
    });
    expect(summary(r)).toEqual(["svc/requirements.txt:1 pinned CVE-2026-24747 high"]);
  });

  it("reads Modal image steps through a module-level list and pip_install_from_requirements", async () => {
    const r = await scan({
      "app/main.py":
        'import modal\n\nPKGS = [\n    "vllm==0.6.4",\n]\nimage = modal.Image.debian_slim().pip_install(*PKGS).pip_install_from_requirements("deps.txt")\n',
      "app/deps.txt": "fastapi==0.109.0\n",
      // the form advisory is reached only by code that parses forms (reachability.ts)
      "app/upload.py": "from fastapi import UploadFile\n",
    });
    expect(summary(r)).toEqual([
      "app/deps.txt:1 pinned CVE-2024-24762 high",
      "app/main.py:4 pinned CVE-2025-24357 high",
      "app/main.py:4 pinned CVE-2025-30165 high",
      "app/main.py:4 pinned CVE-2025-66448 high",
    ]);
  });

  it("reads uv_pip_install alone and the requirements file a bentofile names", async () => {
    const r = await scan({
      "modal_app.py": 'import modal\nimage = modal.Image.debian_slim().uv_pip_install("gradio==4.12.0", extra_options="--no-cache")\n',
      "bento/bentofile.yaml": "service: svc:Svc\npython:\n  requirements_txt: ./reqs/serve.txt\n",
      "bento/reqs/serve.txt": "starlette==0.47.1\n",
      "bento/svc.py":
        "import bentoml\nfrom pathlib import Path\n\n@bentoml.service\nclass Svc:\n    @bentoml.api\n    def store(self, f: Path) -> str:\n        return f.name\n",
    });
    expect(summary(r)).toEqual(["bento/reqs/serve.txt:1 pinned CVE-2025-54121 medium", "modal_app.py:2 pinned CVE-2024-1561 high"]);
  });

  it("finds a bentofile's requirements file in a build context above the bentofile", async () => {
    // bentoml build -f svc/bentofile.yaml . : the path is relative to the repository's root
    const r = await scan({
      "svc/bentofile.yaml": "service: svc:Svc\npython:\n  requirements_txt: ./svc/requirements.txt\n",
      "svc/requirements.txt": "starlette==0.47.1\n",
    });
    // (scan() also asserts the scan reported no missing file)
    expect(summary(r)).toEqual(["svc/requirements.txt:1 pinned CVE-2025-54121 medium"]);
  });

  it("stays linear on a hostile manifest: ten thousand declarations of one package", async () => {
    const started = performance.now();
    const r = await scan({ "requirements.txt": Array.from({ length: 10_000 }, (_, i) => `torch==2.5.${i % 2}`).join("\n") });
    expect(summary(r)).toEqual(["requirements.txt:1 pinned CVE-2025-32434 critical", "requirements.txt:1 pinned CVE-2026-24747 high"]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe("what is not a dependency", () => {
  it("a project's own extras in its pyproject.toml (bentoml[grpc] in bentoml's) are not a declaration of it", async () => {
    const r = await scan({
      "pyproject.toml":
        '[project]\nname = "BentoML"\ndependencies = ["starlette>=0.40"]\n\n[project.optional-dependencies]\nall = ["bentoml[grpc,tracing]"]\n',
    });
    expect(r.findings).toEqual([]);
    const other = await scan({ "pyproject.toml": '[project]\nname = "my-service"\ndependencies = ["bentoml[grpc]"]\n' });
    expect(summary(other).length).toBeGreaterThan(0);
  });
});
