import { describe, expect, it } from "vitest";
import { ciOnlyScripts, codeContext, linguistVendored, RequirementListUse, shippedScripts, vendoredDirs } from "../lib/engine/context.ts";
import { compileChecks } from "../lib/engine/compile.ts";
import { scanText } from "../lib/engine/match.ts";
import { loadRulebook, parsePolicy, RulebookError } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch, TEST_POLICY } from "./helpers.ts";

describe("code context from the path", () => {
  it.each([
    ["app/service.py", "production"],
    ["handler.py", "production"],
    ["src/contest/latest.py", "production"],
    ["tests/test_api.py", "test"],
    ["test/helpers.py", "test"],
    ["testing/util.py", "test"],
    ["web/__tests__/x.py", "test"],
    ["e2e/run.py", "test"],
    ["pkg/test_handler.py", "test"],
    ["pkg/handler_test.py", "test"],
    ["docker/test_container_prediction.sh", "test"],
    ["conftest.py", "test"],
    ["pkg/fixtures/model.yaml", "test"],
    ["pkg/mocks/server.py", "test"],
    ["load/locustfile.py", "test"],
    ["local/loadtest.py", "test"],
    ["load_test_chat.py", "test"],
    ["scripts/stress-test.sh", "test"],
    ["k6/k6-job.yaml", "test"],
    ["app/loader.py", "production"],
    ["requirements-dev.txt", "build"],
    ["dev-requirements.txt", "build"],
    ["requirements/developer.txt", "build"],
    ["svc/requirements/requirements.dev.txt", "build"],
    ["requirements_test.txt", "test"],
    ["requirements/docs.txt", "docs"],
    ["requirements-gpu.txt", "production"],
    ["requirements/base.txt", "production"],
    ["benchmarks/serve_bench.py", "test"],
    ["examples/llm/service.py", "example"],
    ["samples/app.py", "example"],
    ["tutorials/01.py", "example"],
    ["demos/chat/app.py", "example"],
    ["serving.ipynb", "example"],
    [".env.example", "example"],
    ["deploy/config.sample.yaml", "example"],
    ["deploy/Dockerfile.template", "production"],
    ["data/sample.py", "production"],
    ["cookbook/rag.py", "example"],
    ["docs/deploy.py", "docs"],
    ["doc/conf.py", "docs"],
    ["README.md", "docs"],
    ["guide/setup.rst", "docs"],
    [".github/workflows/ci.yml", "build"],
    [".github/scripts/bump.py", "build"],
    [".gitlab-ci.yml", "build"],
    [".circleci/config.yml", "build"],
    ["ci/deploy.sh", "build"],
    [".ci/run", "build"],
    [".buildkite/pipeline.yml", "build"],
    ["noxfile.py", "build"],
    ["scripts/release.py", "build"],
    ["scripts/validate_tutorials.py", "build"],
    ["scripts/validate.py", "production"],
    ["tools/lint_rules.sh", "build"],
    ["scripts/serve.py", "production"],
    ["load-test/Dockerfile", "test"],
    ["stress-tests/run.py", "test"],
    ["third_party/yolo/detect.py", "vendored"],
    ["src/third-party/lib.py", "vendored"],
    ["vendor/pkg/tests/test_x.py", "test"],
    ["app/vendors/api.py", "production"],
    // numbered steps of a tutorial or a set of examples
    ["src/example_1/app.py", "example"],
    ["demo-2/serve.py", "example"],
    ["tutorial03/handler.py", "example"],
    ["k6/script.js", "test"],
    ["api_v2/app.py", "production"],
    ["services/model2/app.py", "production"],
    // a purpose word as one part of a longer directory name
    ["ts_examples/empty_model/Dockerfile", "example"],
    ["example_app/serve.py", "example"],
    ["s3-demo-app/app.py", "example"],
    ["docs-next/app.py", "docs"],
    ["integration_tests/run.py", "test"],
    ["playground/handler.py", "example"],
    // ... but not words a service could be named for
    ["ab_test_service/app.py", "production"],
    ["sampler_service/app.py", "production"],
    ["latest_models/app.py", "production"],
    // The file name decides first, then a test directory anywhere above, then the nearest directory.
    ["examples/app/tests/x.py", "test"],
    ["tests/e2e/fixtures/quickstart/bentofile.yaml", "test"],
    ["docs/examples/x.py", "example"],
    ["examples/docs/x.py", "docs"],
    ["examples/test_app.py", "test"],
    ["tests/README.md", "docs"],
    ["Tests/Fixtures/x.py", "test"],
  ])("%s is %s", (path, context) => {
    expect(codeContext(path)).toBe(context);
  });

  it.each([
    ["pkg/helpers.py", "import os\nimport pytest\n", "test"],
    ["pkg/helpers.py", "from unittest import mock\n", "test"],
    ["pkg/helpers.py", "from unittest.mock import patch\n", "test"],
    ["pkg/helpers.py", "import pytestify\n# import pytest\nx = 'import pytest'\n", "production"],
    ["deploy/run.sh", "import pytest\n", "production"],
  ])("%s importing %j is %s: a module that imports a test framework is test code, wherever it lives", (path, text, context) => {
    expect(codeContext(path, text)).toBe(context);
  });

  it("takes a script that CI runs and nothing shipped runs for build tooling", () => {
    const ci = [
      "jobs:\n  t:\n    steps:\n      - run: python scripts/check_models.py\n      - run: ./scripts/deploy.sh\n      - run: python -m tools.sync\n",
    ];
    const launchers = ['FROM python:3.12\nCOPY . .\nCMD ["bash", "scripts/deploy.sh"]\n'];
    const files = ["scripts/check_models.py", "scripts/deploy.sh", "tools/sync.py", "scripts/serve.py"];
    const only = ciOnlyScripts(ci, launchers, files);
    expect([...only].sort()).toEqual(["scripts/check_models.py", "tools/sync.py"]);
    expect(codeContext("scripts/check_models.py", "", { ciOnlyScripts: only })).toBe("build");
    expect(codeContext("scripts/deploy.sh", "", { ciOnlyScripts: only })).toBe("production");
    expect(codeContext("scripts/serve.py", "", { ciOnlyScripts: only })).toBe("production");
  });

  it("takes a set-up script nothing shipped runs for a developer's tooling, and one an image runs for the service", () => {
    const shipped = shippedScripts(['FROM python:3.12\nCOPY . .\nRUN bash scripts/install_deps.sh\nCMD ["python", "app.py"]\n']);
    expect(codeContext("scripts/setup.sh", "", { shippedScripts: shipped })).toBe("build");
    expect(codeContext("setup.sh", "", { shippedScripts: shipped })).toBe("build");
    expect(codeContext("scripts/install_admin_tools.sh", "", { shippedScripts: shipped })).toBe("build");
    expect(codeContext("scripts/install_deps.sh", "", { shippedScripts: shipped })).toBe("production");
    // a Python package's setup.py, and a set-up script among the service's own code, are not tooling
    expect(codeContext("setup.py", "", { shippedScripts: shipped })).toBe("production");
    expect(codeContext("app/setup.sh", "", { shippedScripts: shipped })).toBe("production");
  });

  it("takes a script a CI workflow deploys or serves for the service itself", () => {
    const ci = [
      "jobs:\n  d:\n    steps:\n      - run: |\n          modal token set --token-id $ID\n          modal deploy -m src.app\n",
      "jobs:\n  e:\n    steps:\n      - run: modal serve -m src.web &\n      - run: python tests/e2e_test.py\n      - run: python scripts/check_links.py\n",
      "jobs:\n  k:\n    steps:\n      - run: kubectl apply -f deploy/service.yaml && python tools/notify.py\n",
    ];
    const files = ["src/app.py", "src/web.py", "tests/e2e_test.py", "scripts/check_links.py", "tools/notify.py"];
    // A deploy line ships every script it names; the others on CI lines that only check stay tooling.
    expect([...ciOnlyScripts(ci, [], files)].sort()).toEqual(["scripts/check_links.py", "tests/e2e_test.py"]);
  });
});

describe("requirement lists nothing that ships installs", () => {
  const unshipped = (lists: string[], texts: Record<string, string>) => {
    const use = new RequirementListUse(lists);
    for (const [path, text] of Object.entries(texts)) use.see(path, text);
    return [...use.unshipped()].sort();
  };

  it("are those no file names, or only CI does, in a folder none of whose lists ships", () => {
    const lists = [
      "requirements/base.txt",
      "requirements/prod.txt",
      "envs/torch_cu118.txt",
      "envs/requirements-cpu.txt",
      "envs/requirements-ci.txt",
    ];
    expect(
      unshipped(lists, {
        Dockerfile: "COPY requirements requirements\nRUN pip install -r requirements/prod.txt\n",
        "requirements/prod.txt": "-r base.txt\ntorch==2.6.0\n",
        ".github/workflows/ci.yml": "- run: pip install -r envs/requirements-ci.txt\n",
        "envs/requirements-ci.txt": "-r requirements-cpu.txt\n",
      }),
    ).toEqual(["envs/requirements-ci.txt", "envs/requirements-cpu.txt", "envs/torch_cu118.txt"]);
  });

  it("are none when a sibling ships (optional extras), or a path is built from a variable", () => {
    const lists = ["requirements/metrics.txt", "requirements/vllm.txt"];
    expect(unshipped(lists, { "docker/Dockerfile": "RUN pip install -r requirements/metrics.txt\n" })).toEqual([]);
    expect(unshipped(["reqs/torch_cu118.txt"], { "setup.sh": 'pip install -r "reqs/torch_${CUDA}.txt"\n' })).toEqual([]);
    expect(
      unshipped(["reqs/requirements-gpu.txt"], { "app.py": 'image.pip_install_from_requirements(f"reqs/requirements-{kind}.txt")\n' }),
    ).toEqual([]);
  });

  it("never include the conventional requirements.txt, which pip and platforms take by default", () => {
    expect(unshipped(["svc/requirements.txt", "svc/requirements-gpu.txt"], {})).toEqual([]);
    expect(
      unshipped(["requirements/torch_linux.txt", "requirements/common.txt", "requirements/production.txt"], {
        "requirements/production.txt": "-r common.txt\n",
      }),
    ).toEqual(["requirements/common.txt", "requirements/production.txt", "requirements/torch_linux.txt"]);
  });

  it("give their advisories build context in a directory scan, and the lists that ship keep production", async () => {
    const s = scratch();
    s.write("Dockerfile", "FROM python:3.11\nCOPY serve/requirements-serve.txt .\nRUN pip install -r requirements-serve.txt\n");
    s.write("serve/requirements-serve.txt", "torchserve==0.8.1\n");
    s.write("requirements/torch_cu101.txt", "torchserve==0.8.1\n");
    s.write("requirements-dev.txt", "torchserve==0.8.1\n");
    const { checks } = loadRulebook("rules");
    const r = await scanDirectory(s.root, { checks: checks.filter((c) => c.id === "ml-serving.dependency.vulnerable-version") });
    const contexts = new Map(r.findings.map((f) => [f.path, f.context]));
    expect(Object.fromEntries(contexts)).toEqual({
      "requirements/torch_cu101.txt": "build",
      "requirements-dev.txt": "build",
      "serve/requirements-serve.txt": "production",
    });
  });
});

describe("vendored code", () => {
  it("is a folder with a license of its own, not the repository's", () => {
    const apache = "Apache License\n  Version 2.0, January 2004\n";
    const dirs = vendoredDirs([
      { path: "LICENSE", text: apache },
      { path: "model-archiver/LICENSE", text: "Apache License\n Version 2.0,   January 2004" },
      { path: "predictors/yolov7/LICENSE.md", text: "GNU GENERAL PUBLIC LICENSE\nVersion 3" },
      { path: "predictors/yolov7/deps/tiny/COPYING", text: "MIT" },
      { path: "README.md", text: "not a license" },
    ]);
    expect([...dirs]).toEqual(["predictors/yolov7"]);
    const vendored = (p: string) => [...dirs].some((d) => p.startsWith(`${d}/`));
    expect(codeContext("predictors/yolov7/train.py", "", { vendored })).toBe("vendored");
    expect(codeContext("predictors/yolov7/tests/test_a.py", "", { vendored })).toBe("test");
    expect(codeContext("predictors/handler.py", "", { vendored })).toBe("production");
    expect(codeContext("model-archiver/x.py", "", { vendored })).toBe("production");
    // With no root license every nested one is another project's.
    expect([...vendoredDirs([{ path: "a/LICENSE", text: "MIT" }])]).toEqual(["a"]);
  });

  it("is what .gitattributes marks linguist-vendored", () => {
    expect(
      linguistVendored(
        "# vendored\nlibs/** linguist-vendored\n/ext/*.py linguist-vendored=true\nkeep/** -linguist-vendored\nx.min.js linguist-generated\ncopied.py linguist-vendored\n",
      ),
    ).toEqual(["libs/**", "ext/*.py", "**/copied.py"]);
  });

  it("is found in a directory scan and keeps its findings' fingerprints", async () => {
    const s = scratch();
    const SECRET = 'API_KEY = "abcd-1234-efgh-5678"\n';
    s.write("LICENSE", "MIT License, Copyright the project\n");
    s.write("svc/app.py", SECRET);
    s.write("svc/yolo/LICENSE.md", "GNU GENERAL PUBLIC LICENSE\n");
    s.write("svc/yolo/train.py", SECRET);
    s.write("libs/copied.py", SECRET);
    s.write(".gitattributes", "libs/** linguist-vendored\n");
    const r = await scanDirectory(s.root, { checks: parsePolicy(TEST_POLICY, "t.policy.yaml").checks });
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => `${f.path} ${f.context}`)).toEqual([
      "libs/copied.py vendored",
      "svc/app.py production",
      "svc/yolo/train.py vendored",
    ]);
  });
});

const CONTEXT_POLICY = TEST_POLICY.replace(
  "  - id: test.python.secret\n    severity: critical\n",
  "  - id: test.python.secret\n    severity: critical\n    contextSeverity: { test: low, docs: low, example: medium }\n",
);

describe("findings carry their context", () => {
  const checks = parsePolicy(CONTEXT_POLICY, "ctx.policy.yaml").checks;
  const compiled = compileChecks(checks);
  const SECRET = 'API_KEY = "abcd-1234-efgh-5678"\n';

  it("and a check's contextSeverity sets the severity outside production, fingerprints unchanged", () => {
    const prod = scanText(compiled, "svc/app.py", SECRET).findings[0]!;
    const inTest = scanText(compiled, "svc/app.py", `import pytest\n${SECRET}`).findings[0]!;
    const inExample = scanText(compiled, "svc/app.py", SECRET, "example").findings[0]!;
    const inBuild = scanText(compiled, "svc/app.py", SECRET, "build").findings[0]!;
    expect([prod.context, prod.severity]).toEqual(["production", "critical"]);
    expect([inTest.context, inTest.severity]).toEqual(["test", "low"]);
    expect([inExample.context, inExample.severity]).toEqual(["example", "medium"]);
    // build has no entry: the check's own severity.
    expect([inBuild.context, inBuild.severity]).toEqual(["build", "critical"]);
    const evalInTest = scanText(compiled, "tests/a.py", "eval(x)\n").findings[0]!;
    expect([evalInTest.context, evalInTest.severity]).toEqual(["test", "high"]);
    expect(inExample.fingerprint).toBe(prod.fingerprint);
    expect(inBuild.fingerprint).toBe(prod.fingerprint);
  });

  it("in a directory scan, from path, content and what CI runs", async () => {
    const s = scratch();
    s.write("svc/app.py", SECRET);
    s.write("tests/test_app.py", SECRET);
    s.write("docs/snippet.py", SECRET);
    s.write("scripts/publish.py", SECRET);
    s.write("scripts/nightly.py", SECRET);
    s.write(".github/workflows/nightly.yml", "on: schedule\njobs:\n  n:\n    steps:\n      - run: python scripts/nightly.py\n");
    const r = await scanDirectory(s.root, { checks });
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => `${f.path} ${f.context} ${f.severity}`)).toEqual([
      "docs/snippet.py docs low",
      "scripts/nightly.py build critical",
      "scripts/publish.py build critical",
      "svc/app.py production critical",
      "tests/test_app.py test low",
    ]);
  });

  it("is validated: only non-production contexts and real severities", () => {
    expect(() =>
      parsePolicy(
        TEST_POLICY.replace("    severity: critical\n", "    severity: critical\n    contextSeverity: { tests: low }\n"),
        "x.policy.yaml",
      ),
    ).toThrow(RulebookError);
    expect(() =>
      parsePolicy(
        TEST_POLICY.replace("    severity: critical\n", "    severity: critical\n    contextSeverity: { production: low }\n"),
        "x.policy.yaml",
      ),
    ).toThrow(/contextSeverity/);
    expect(() =>
      parsePolicy(
        TEST_POLICY.replace("    severity: critical\n", "    severity: critical\n    contextSeverity: { test: minor }\n"),
        "x.policy.yaml",
      ),
    ).toThrow(/checks\.1\.contextSeverity\.test/);
    expect(() =>
      parsePolicy(TEST_POLICY.replace("    severity: critical\n", "    severity: critical\n    contextSeverity: {}\n"), "x.policy.yaml"),
    ).toThrow(/at least one/);
  });
});
