import { symlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildDependencyIndex,
  DependencyIndex,
  isDependencyManifest,
  isImageStepSource,
  readImageReferences,
  specAllowsBelow,
  toPep440,
} from "../lib/engine/dependencies.ts";
import { compileChecks } from "../lib/engine/compile.ts";
import { scanText } from "../lib/engine/match.ts";
import { parsePolicy, RulebookError } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch } from "./helpers.ts";
import { scanTree } from "./support/scratch-tree.ts";

/** Whether torch can be below 2.6 for `file` in a repository made of `files`. */
function torch(files: Record<string, string>, file = "app/handler.py") {
  const { index, errors } = buildDependencyIndex(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    (p) => files[p],
  );
  expect(errors).toEqual([]);
  return index.mayBeBelow(file, "torch", "2.6");
}

describe("specAllowsBelow", () => {
  it.each([
    [">=1.9", true],
    ["", true],
    ["<3", true],
    [">2.5", true],
    ["~=2.5", true],
    ["==2.1.*", true],
    ["==2.1.0+cu118", true],
    [">=1.9,<3", true],
    [">=2.6", false],
    [">=2.6.0", false],
    [">2.6", false],
    ["~=2.6", false],
    ["==2.6.0+cu124", false],
    ["==3.*", false],
    ["!=2.5,>=2.6", false],
    // empty: nothing installs, so nothing below
    [">=2.6,<2.5", false],
    ["==2.1,>=2.6", false],
  ])("%s -> %s", (spec, below) => {
    expect(specAllowsBelow(spec, "2.6")).toBe(below);
  });

  it("takes an unreadable specifier to allow anything", () => {
    expect(specAllowsBelow(null, "2.6")).toBe(true);
  });
});

describe("toPep440", () => {
  it("reads Poetry's caret, tilde, wildcards, bare versions and alternatives", () => {
    expect(toPep440("^2.1")).toEqual([">=2.1,<3"]);
    expect(toPep440("^0.3.1")).toEqual([">=0.3.1,<0.4"]);
    expect(toPep440("~2.6.1")).toEqual([">=2.6.1,<2.7"]);
    expect(toPep440("2.6.*")).toEqual(["==2.6.*"]);
    expect(toPep440("2.1")).toEqual(["==2.1"]);
    expect(toPep440("*")).toEqual([""]);
    expect(toPep440(">= 1.9 < 3 || ^2.6")).toEqual([">=1.9,<3", ">=2.6,<3"]);
  });

  it("reads a conda bare or single-= version as its series", () => {
    expect(toPep440("2.1", { fuzzyBare: true })).toEqual(["==2.1.*"]);
    expect(toPep440("=2.6", { fuzzyBare: true })).toEqual(["==2.6.*"]);
    expect(toPep440("==2.1.0", { fuzzyBare: true })).toEqual(["==2.1.0"]);
  });
});

describe("isDependencyManifest", () => {
  it.each([
    ["requirements.txt", true],
    ["svc/requirements-gpu.txt", true],
    ["requirements/prod.txt", true],
    ["constraints.txt", true],
    ["pyproject.toml", true],
    ["a/setup.py", true],
    ["setup.cfg", true],
    ["environment.yml", true],
    ["model/conda.yaml", true],
    ["poetry.lock", true],
    ["uv.lock", true],
    ["Pipfile.lock", true],
    ["pdm.lock", true],
    ["handler.py", false],
    ["docs/requirements.md", false],
    ["notes.txt", false],
  ])("%s -> %s", (path, yes) => {
    expect(isDependencyManifest(path)).toBe(yes);
  });
});

describe("framework images", () => {
  it("declare the framework version their tag names, a moving tag none", () => {
    // Each line of the file, and the declaration it makes (null: none).
    const declared: [string, string | null][] = [
      ["FROM pytorch/torchserve:0.6.0-gpu AS base", "torchserve==0.6.0"],
      ["FROM --platform=linux/amd64 docker.io/rayproject/ray-ml:2.9.0-py310-gpu", "ray==2.9.0"],
      ["FROM pytorch/torchserve:latest-gpu", null],
      ["FROM python:3.11-slim", null],
      ["    image: vllm/vllm-openai:v0.8.5", "vllm==0.8.5"],
      ["  - image: 'ghcr.io/mlflow/mlflow:v2.9.2'", "mlflow==2.9.2"],
      ["torchserve_image: pytorch/torchserve:0.12.0-cpu", "torchserve==0.12.0"],
      ["image: rayproject/ray:nightly", null],
      ["image: pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime", "torch==2.1.0"],
      ["image: myorg/pytorch/torchserve-fork:0.6.0", null],
    ];
    const text = declared.map(([line]) => line).join("\n");
    expect(readImageReferences(text, "deploy/Dockerfile").map((d) => `${d.name}${d.specs[0]} @${d.line}`)).toEqual(
      declared.flatMap(([, declaration], i) => (declaration ? [`${declaration} @${i + 1}`] : [])),
    );
  });

  it("are read from Dockerfiles and manifests that name one, and decide mayBeBelow for their directory", () => {
    expect(isImageStepSource("k8s/svc.yaml", "image: pytorch/torchserve:0.8.2")).toBe(true);
    expect(isImageStepSource("Dockerfile.gpu", "FROM pytorch/torchserve:0.8.2")).toBe(true);
    expect(isImageStepSource("k8s/svc.yaml", "image: nginx:1.27")).toBe(false);
    const { index } = buildDependencyIndex([
      { path: "deploy/compose.yaml", text: "services:\n  ts:\n    image: pytorch/torchserve:0.8.2-cpu\n" },
    ]);
    expect(index.mayBeBelow("deploy/k8s/svc.yaml", "torchserve", "0.11")).toEqual({
      below: true,
      found: "pytorch/torchserve:0.8.2-cpu in deploy/compose.yaml",
    });
    // Elsewhere in the repository the image still says which TorchServe ships; with no declaration at all, none.
    expect(index.mayBeBelow("other/svc.yaml", "torchserve", "0.11").found).toBe("pytorch/torchserve:0.8.2-cpu in deploy/compose.yaml");
    expect(index.mayBeBelow("other/svc.yaml", "torchserve", "0.8").below).toBe(false);
    expect(index.mayBeBelow("other/svc.yaml", "ray", "2.0").found).toBe("ray is not pinned");
  });
});

describe("DependencyIndex.mayBeBelow", () => {
  it("says not pinned when nothing declares the package", () => {
    expect(torch({})).toEqual({ below: true, found: "torch is not pinned" });
    expect(torch({ "requirements.txt": "fastapi==0.110\n" })).toEqual({ below: true, found: "torch is not pinned" });
    expect(DependencyIndex.EMPTY.mayBeBelow("a.py", "torch", "2.6").below).toBe(true);
  });

  it("reads requirements files with options, hashes, extras, markers and local versions", () => {
    expect(
      torch({ "requirements.txt": "--extra-index-url https://download.pytorch.org/whl/cu118\ntorch>=2.6 --hash=sha256:00\n" }),
    ).toEqual({ below: false, found: "torch>=2.6 in requirements.txt" });
    expect(torch({ "requirements.txt": "Torch[opt] >= 1.9 ; python_version > '3.8'  # gpu\n" })).toEqual({
      below: true,
      found: "Torch[opt] >= 1.9 in requirements.txt",
    });
    expect(torch({ "requirements.txt": "torch==2.1.0+cu118\n" }).below).toBe(true);
    expect(torch({ "requirements.txt": "torch==2.7.1+cu126\n" }).below).toBe(false);
    expect(torch({ "requirements.txt": "torch\n" })).toEqual({ below: true, found: "torch in requirements.txt, with no version bound" });
    expect(
      torch({ "requirements.txt": "torch @ https://download.pytorch.org/whl/cu118/torch-2.1.0%2Bcu118-cp310-cp310-linux_x86_64.whl\n" })
        .below,
    ).toBe(true);
    expect(torch({ "requirements.txt": "https://download.pytorch.org/whl/torch-2.7.0-cp310-none-any.whl\n" }).below).toBe(false);
    expect(torch({ "requirements.txt": "torch>=2.6,\\\n    <3\n" }).below).toBe(false);
  });

  it("follows -r includes inside the repository and intersects -c constraints", () => {
    expect(torch({ "app/requirements.txt": "-r ../common/base.txt\n", "common/base.txt": "torch>=1.9\n" })).toEqual({
      below: true,
      found: "torch>=1.9 in common/base.txt",
    });
    expect(torch({ "requirements.txt": "-c constraints.txt\ntorch\n", "constraints.txt": "torch>=2.6\n" }).below).toBe(false);
    expect(torch({ "requirements.txt": "torch>=1.9\n", "constraints.txt": "torch>=2.6,<3\n" }).below).toBe(false);
    // an include loop ends
    expect(torch({ "requirements.txt": "-r more.txt\ntorch>=2.6\n", "more.txt": "-r requirements.txt\n" }).below).toBe(false);
  });

  it("reports an include that is missing and ignores one outside the repository", () => {
    const { index, errors } = buildDependencyIndex([{ path: "requirements.txt", text: "-r base.txt\n-r ../../etc/x.txt\ntorch>=2.6\n" }]);
    expect(errors).toEqual([{ path: "base.txt", message: "included by a requirements file but not found in the repository" }]);
    expect(index.mayBeBelow("h.py", "torch", "2.6").below).toBe(false);
  });

  it("applies the nearest directory that declares the package, so each service of a monorepo has its own", () => {
    const files = {
      "requirements.txt": "torch>=2.6\n",
      "services/legacy/requirements.txt": "torch>=1.9\n",
      "services/new/pyproject.toml": '[project]\ndependencies = ["fastapi"]\n',
      "services/gpu/requirements/prod.txt": "torch==2.1.*\n",
    };
    expect(torch(files, "services/legacy/handler.py")).toEqual({ below: true, found: "torch>=1.9 in services/legacy/requirements.txt" });
    expect(torch(files, "services/legacy/deep/er/handler.py").below).toBe(true);
    expect(torch(files, "services/new/handler.py")).toEqual({ below: false, found: "torch>=2.6 in requirements.txt" });
    expect(torch(files, "services/gpu/handler.py").below).toBe(true);
    expect(torch(files, "handler.py").below).toBe(false);
  });

  it("counts every declaration of a directory: one that allows below is enough", () => {
    expect(torch({ "requirements.txt": "torch>=2.6\n", "requirements-legacy.txt": "torch>=1.13\n" }).below).toBe(true);
    expect(
      torch({ "pyproject.toml": '[project]\ndependencies = ["torch>=2.6"]\n[project.optional-dependencies]\nold = ["torch<2"]\n' }).below,
    ).toBe(true);
  });

  it("reads PEP 621, PEP 735 groups, Poetry with groups, uv and pdm tables", () => {
    expect(torch({ "pyproject.toml": '[project]\nname = "x"\ndependencies = ["torch>=2.6", "numpy"]\n' }).below).toBe(false);
    expect(torch({ "pyproject.toml": '[dependency-groups]\ngpu = ["torch>=2.0", {include-group = "base"}]\n' }).below).toBe(true);
    expect(torch({ "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.10"\ntorch = "^2.1"\n' })).toEqual({
      below: true,
      found: 'torch = "^2.1" in pyproject.toml',
    });
    expect(torch({ "pyproject.toml": '[tool.poetry.dependencies]\ntorch = { version = "~2.6", source = "pytorch" }\n' }).below).toBe(false);
    expect(
      torch({
        "pyproject.toml":
          '[tool.poetry.group.gpu.dependencies]\ntorch = [{ version = "^2.6", markers = "sys_platform == \'linux\'" }, { version = "^1.13", markers = "sys_platform == \'darwin\'" }]\n',
      }).below,
    ).toBe(true);
    expect(torch({ "pyproject.toml": '[tool.poetry.dependencies]\ntorch = { git = "https://github.com/pytorch/pytorch" }\n' }).below).toBe(
      true,
    );
    expect(torch({ "pyproject.toml": '[tool.pdm.dev-dependencies]\ntest = ["torch>=1.9"]\n' }).below).toBe(true);
    expect(
      torch({ "pyproject.toml": '[project]\ndependencies = ["torch"]\n[tool.uv]\nconstraint-dependencies = ["torch>=2.6"]\n' }).below,
    ).toBe(false);
  });

  it("reads setup.py literals with ast-grep: direct, through a module-level name, extras", () => {
    const setup = (body: string) => torch({ "setup.py": `from setuptools import setup\n${body}\n` });
    expect(setup('setup(name="x", install_requires=["torch>=2.6", "numpy"])').below).toBe(false);
    expect(setup('REQUIRES = ["torch>=1.9"]\nsetup(install_requires=REQUIRES)')).toEqual({ below: true, found: "torch>=1.9 in setup.py" });
    expect(setup('setup(install_requires=["torch>=2.6"], extras_require={"legacy": ["torch==1.13.1"]})').below).toBe(true);
    // a string that merely mentions torch, outside setup(), is not a declaration
    expect(setup('NOTE = ["torch>=1.0"]\nsetup(install_requires=["torch>=2.6"])').below).toBe(false);
    expect(setup('import setuptools\nsetuptools.setup(install_requires=("torch~=2.7",))').below).toBe(false);
  });

  it("reads setup.cfg options", () => {
    const cfg =
      "[metadata]\nname = x\n\n[options]\npackages = find:\ninstall_requires =\n    numpy\n    torch>=2.6\n\n[options.extras_require]\nold =\n    torch>=1.9\n";
    expect(torch({ "setup.cfg": cfg })).toEqual({ below: true, found: "torch>=1.9 in setup.cfg" });
    expect(torch({ "setup.cfg": "[options]\ninstall_requires = torch>=2.6\n" }).below).toBe(false);
  });

  it("reads conda environments: pytorch is torch, =2.1 is the 2.1 series, the pip list counts", () => {
    expect(torch({ "environment.yml": "channels: [pytorch]\ndependencies:\n  - python=3.10\n  - pytorch=2.1\n" })).toEqual({
      below: true,
      found: "pytorch=2.1 in environment.yml",
    });
    expect(torch({ "environment.yml": "dependencies:\n  - pytorch::pytorch>=2.6=py3.10_cuda12.4_0\n" }).below).toBe(false);
    expect(torch({ "environment.yml": "dependencies:\n  - pytorch 2.7.* cuda*\n" }).below).toBe(false);
    expect(torch({ "environment.yml": "dependencies:\n  - pip\n  - pip:\n    - torch>=1.9\n" }).below).toBe(true);
    expect(
      torch({ "environment.yml": "dependencies:\n  - pip:\n    - -r requirements-serve.txt\n", "requirements-serve.txt": "torch>=2.6\n" })
        .below,
    ).toBe(false);
  });

  it("lets a lock file decide over the ranges beside it", () => {
    const pyproject = '[project]\ndependencies = ["torch>=1.9"]\n';
    expect(torch({ "pyproject.toml": pyproject, "uv.lock": 'version = 1\n[[package]]\nname = "torch"\nversion = "2.7.1"\n' })).toEqual({
      below: false,
      found: "torch 2.7.1 in uv.lock",
    });
    expect(torch({ "pyproject.toml": pyproject, "poetry.lock": '[[package]]\nname = "torch"\nversion = "2.1.2"\n' }).below).toBe(true);
    expect(torch({ "pdm.lock": '[[package]]\nname = "torch"\nversion = "2.6.0"\n' }).below).toBe(false);
    // uv forks a resolution per platform: any fork below counts
    expect(
      torch({ "uv.lock": '[[package]]\nname = "torch"\nversion = "2.7.0"\n[[package]]\nname = "torch"\nversion = "2.2.2"\n' }).below,
    ).toBe(true);
    expect(torch({ "Pipfile.lock": JSON.stringify({ default: { torch: { version: "==2.6.0" } }, develop: {} }) }).below).toBe(false);
    expect(torch({ "Pipfile.lock": JSON.stringify({ default: {}, develop: { torch: { version: "==2.0.1" } } }) }).below).toBe(true);
    // a lock that does not name the package leaves it to the manifests
    expect(torch({ "pyproject.toml": pyproject, "uv.lock": '[[package]]\nname = "numpy"\nversion = "2.0.0"\n' }).below).toBe(true);
  });

  it("leaves out a lock's entries resolved only for Pythons other than the project's .python-version", () => {
    const forked = [
      'version = 1\nrequires-python = ">=3.7"',
      '[[package]]\nname = "torch"\nversion = "1.13.1"\nresolution-markers = ["python_full_version < \'3.8\'"]',
      '[[package]]\nname = "torch"\nversion = "2.7.1"\nresolution-markers = ["python_full_version >= \'3.9\' and sys_platform != \'win32\'", "python_full_version == \'3.8.*\'"]',
    ].join("\n");
    expect(torch({ ".python-version": "3.12.11\n", "uv.lock": forked })).toEqual({ below: false, found: "torch 2.7.1 in uv.lock" });
    // found above the lock's directory too; without one, every fork can be installed
    expect(torch({ ".python-version": "3.12\n", "svc/uv.lock": forked }, "svc/app.py").below).toBe(false);
    expect(torch({ "uv.lock": forked }).below).toBe(true);
    expect(torch({ ".python-version": "3.7.9\n", "uv.lock": forked }).below).toBe(true);
    // each entry keeps its own line, though an earlier entry of the package was left out
    const { index } = buildDependencyIndex([{ path: "uv.lock", text: forked }], (p) => (p === ".python-version" ? "3.12\n" : undefined));
    const declared = [...index.directories()].flatMap(([, ds]) => ds.map((d) => `${d.text} at line ${d.line}`));
    expect(declared).toEqual(["torch 2.7.1 at line 8"]); // its `name = "torch"` line, the second one
    // poetry's and pdm's markers
    const poetry = '[[package]]\nname = "torch"\nversion = "1.13.1"\nmarkers = "python_version < \\"3.8\\""\n';
    expect(torch({ ".python-version": "3.11\n", "poetry.lock": poetry }).below).toBe(true);
    expect(
      torch({ ".python-version": "3.11\n", "poetry.lock": poetry, "pyproject.toml": '[project]\ndependencies = ["torch>=2.6"]\n' }).below,
    ).toBe(false);
  });

  it("reads a Pipfile", () => {
    expect(torch({ Pipfile: '[packages]\ntorch = "*"\n' }).below).toBe(true);
    expect(torch({ Pipfile: '[packages]\ntorch = {version = ">=2.6", index = "pytorch"}\n' }).below).toBe(false);
  });

  it("stays fast on hostile input: a diamond of includes, megabyte lines, a huge wheel name", () => {
    const files: Record<string, string> = { "requirements.txt": "-r r0.txt\n-r missing.txt\n" };
    for (let i = 0; i < 40; i++) files[`r${i}.txt`] = `-r r${i + 1}.txt\n-c r${i + 1}.txt\n-r missing.txt\n`;
    files["r40.txt"] = `torch>=2.6\nfastapi${" ".repeat(1_000_000)}x\n./${"a-1".repeat(300_000)}.whl\n`;
    files["setup.cfg"] = `[options]\ninstall_requires${" ".repeat(1_000_000)}x\n`;
    files["environment.yml"] = `dependencies:\n  - "pytorch ${"[".repeat(100_000)}"\n`;
    const started = performance.now();
    const { index, errors } = buildDependencyIndex(
      Object.entries(files).map(([path, text]) => ({ path, text })),
      (p) => files[p],
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(errors).toEqual([{ path: "missing.txt", message: "included by a requirements file but not found in the repository" }]);
    expect(index.mayBeBelow("a.py", "torch", "2.6").below).toBe(false);
  });

  it("reports a manifest it cannot parse and answers from the rest", () => {
    const { index, errors } = buildDependencyIndex([
      { path: "pyproject.toml", text: "[project\ndependencies = [" },
      { path: "Pipfile.lock", text: "{not json" },
      { path: "environment.yml", text: "dependencies: [unclosed" },
      { path: "setup.py", text: "setup(install_requires=[" },
      { path: "requirements.txt", text: "torch>=2.6\n" },
    ]);
    expect(errors.map((e) => e.path).sort()).toEqual(["Pipfile.lock", "environment.yml", "pyproject.toml"]);
    for (const e of errors) expect(e.message).toMatch(/^cannot read dependency declarations: \S/);
    expect(index.mayBeBelow("a.py", "torch", "2.6").below).toBe(false);
  });
});

/** A check whose omitted-weights_only alternative depends on the repository's torch (as the torchserve checks do). */
const WHEN_POLICY = (when: string) => `
policy: When Policy
framework: torchserve
level: strict
references: [CWE-502]
why: Because.
remediation: Do not.
checks:
  - id: test.torch.load
    severity: high
    message: "{{FN}} with weights_only=False"
    files: ["**/*.py"]
${when}
    match:
      language: python
      rule:
        kind: call
        all:
          - has: { field: function, pattern: $FN, regex: "^torch\\\\.load$" }
          - any:
              - has: { field: arguments, has: { kind: keyword_argument, all: [{ has: { field: name, regex: "^weights_only$" } }, { has: { field: value, kind: "false" } }] } }
              - has: { field: arguments, pattern: $DEFAULTED, not: { has: { kind: keyword_argument, has: { field: name, regex: "^weights_only$" } } } }
`;
const CONDITION = `    when:
      dependency: torch
      mayBeBelow: "2.6"
      captured: DEFAULTED
      message: "{{FN}} defaults to unpickling ({{DEPENDENCY}})"`;
const SOURCE = "import torch\na = torch.load(p)\nb = torch.load(p, weights_only=False)\nc = torch.load(p, weights_only=True)\n";

describe("a check's when condition", () => {
  const checks = parsePolicy(WHEN_POLICY(CONDITION), "when.policy.yaml").checks;

  async function scan(files: Record<string, string>) {
    return scanTree(files, { checks });
  }
  const lines = (r: { findings: { path: string; line: number; message: string }[] }) =>
    r.findings.map((f) => `${f.path}:${f.line} ${f.message}`);

  it("keeps the matches it applies to only where the package can be below the version, and says why", async () => {
    const r = await scan({
      "old/requirements.txt": "torch>=1.9\n",
      "old/app.py": SOURCE,
      "new/pyproject.toml": '[project]\ndependencies = ["torch>=2.6"]\n',
      "new/app.py": SOURCE,
      "bare/app.py": SOURCE,
    });
    expect(r.errors).toEqual([]);
    expect(lines(r)).toEqual([
      // No directory above bare/ declares torch: the repository's declarations elsewhere decide, any of them.
      "bare/app.py:2 torch.load defaults to unpickling (torch>=1.9 in old/requirements.txt)",
      "bare/app.py:3 torch.load with weights_only=False",
      "new/app.py:3 torch.load with weights_only=False",
      "old/app.py:2 torch.load defaults to unpickling (torch>=1.9 in old/requirements.txt)",
      "old/app.py:3 torch.load with weights_only=False",
    ]);
  });

  it("applies to every match of the check when it names no metavariable", async () => {
    const all = parsePolicy(WHEN_POLICY('    when: { dependency: torch, mayBeBelow: "2.6" }'), "when.policy.yaml").checks;
    const s = scratch();
    s.write("requirements.txt", "torch~=2.7\n");
    s.write("app.py", SOURCE);
    expect((await scanDirectory(s.root, { checks: all })).findings).toEqual([]);
  });

  it("treats one file scanned on its own as unpinned", () => {
    const r = scanText(compileChecks(checks), "app.py", SOURCE);
    expect(r.findings.map((f) => `${f.line} ${f.message}`)).toEqual([
      "2 torch.load defaults to unpickling (torch is not pinned)",
      "3 torch.load with weights_only=False",
    ]);
  });

  it("reports a manifest it cannot read in errors and goes on", async () => {
    const r = await scan({ "pyproject.toml": "[project\n", "app.py": SOURCE });
    expect(r.errors).toEqual([{ path: "pyproject.toml", message: expect.stringMatching(/^cannot read dependency declarations: /) }]);
    expect(r.findings).toHaveLength(2);
  });

  it("does not follow an include out of the repository through a symbolic link", async () => {
    const outside = scratch();
    outside.write("pins.txt", "torch>=2.6\n");
    const s = scratch();
    s.write("requirements.txt", "-r pins/pins.txt\n");
    symlinkSync(outside.root, s.path("pins"));
    s.write("app.py", SOURCE);
    const r = await scanDirectory(s.root, { checks });
    expect(r.errors).toEqual([{ path: "pins/pins.txt", message: "included by a requirements file but not found in the repository" }]);
    expect(lines(r)[0]).toBe("app.py:2 torch.load defaults to unpickling (torch is not pinned)");
  });

  it("is validated when the policy loads", () => {
    expect(() => parsePolicy(WHEN_POLICY("    when: { dependency: torch, mayBeBelow: 2.6 }"), "bad.policy.yaml")).toThrow(
      /when\.mayBeBelow: a PEP 440 version in quotes/,
    );
    expect(() => parsePolicy(WHEN_POLICY('    when: { dependency: torch, mayBeBelow: "two" }'), "bad.policy.yaml")).toThrow(RulebookError);
    expect(() => parsePolicy(WHEN_POLICY('    when: { dependency: "torch>=2", mayBeBelow: "2.6" }'), "bad.policy.yaml")).toThrow(
      /when\.dependency: a Python package name/,
    );
    expect(() =>
      parsePolicy(WHEN_POLICY('    when: { dependency: torch, mayBeBelow: "2.6", captured: lower }'), "bad.policy.yaml"),
    ).toThrow(/when\.captured/);
    expect(() => parsePolicy(WHEN_POLICY('    when: { dependency: torch, mayBeAbove: "2.6" }'), "bad.policy.yaml")).toThrow(/when/);
    // a metavariable the rule never binds would leave every match outside the condition
    const misspelt = parsePolicy(
      WHEN_POLICY('    when: { dependency: torch, mayBeBelow: "2.6", captured: DEFAULTD }'),
      "bad.policy.yaml",
    ).checks;
    expect(() => compileChecks(misspelt)).toThrow(/check test\.torch\.load: when\.captured is DEFAULTD, which its rule never binds/);
  });
});
