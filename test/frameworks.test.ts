import { describe, expect, it } from "vitest";
import { detectFrameworks } from "../lib/repos/frameworks.ts";
import type { Finding, ScanResult } from "../lib/engine/types.ts";
import { scratch } from "./helpers.ts";
import { scratchTree } from "./support/scratch-tree.ts";

const nothing: Pick<ScanResult, "findings" | "suppressed"> = { findings: [], suppressed: [] };

/** One file per framework, each naming it by an import. */
const BY_IMPORTS = {
  "a/modal_app.py": "import modal\napp = modal.App()\n",
  "b/handler.py": "from ts.torch_handler.base_handler import BaseHandler\n",
  "c/service.py": "import bentoml as b\n",
  "d/serve_app.py": "from ray import serve\n",
  "e/train.py": "import torch\nloss.backward()\noptimizer.step()\n",
};

/** Frameworks named by dependencies and configuration files, and only mentioned in code. */
const BY_MANIFESTS = {
  "requirements.txt": "ray[serve]>=2.9\nwandb\n",
  "bento/bentofile.yaml": "service: 'service:svc'\n",
  "ts/config.properties": "inference_address=http://127.0.0.1:8080\n",
  "notes.py": "# we might use modal or bentoml one day\nx = 'import modal'\nimport torch\n",
};

/** The same kinds of file, naming no framework's own package or configuration. */
const NO_FRAMEWORK = {
  "requirements.txt": "ray>=2.9\ntorch\n",
  "app.py": "import torch\nmodel = torch.load('m.pt')\n",
  "config.properties": "some.key=1\n",
};

/** Framework imports only where the engine does not look: an ignored directory and an excluded one. */
const OUT_OF_SCOPE = {
  ".venv/lib/site.py": "import modal\n",
  "node_modules/x/y.py": "import bentoml\n",
  "vendor/ray_app.py": "from ray import serve\n",
  ".posture.yaml": "exclude:\n  - path: vendor\n    reason: third-party code\n",
};

const frameworksIn = (files: Record<string, string>) => detectFrameworks(scratchTree(files).root, nothing);

describe("framework detection", () => {
  it("finds each framework from its imports", () => {
    expect(frameworksIn(BY_IMPORTS)).toEqual(["modal", "torchserve", "bentoml", "ray_serve", "training_monitor"]);
  });

  it("finds frameworks from dependencies and configuration files, not from words in code", () => {
    expect(frameworksIn(BY_MANIFESTS)).toEqual(["torchserve", "bentoml", "ray_serve", "training_monitor"]);
    expect(frameworksIn(NO_FRAMEWORK)).toEqual([]);
  });

  it("counts what the engine saw: ignored directories and .posture.yaml exclusions are not evidence", () => {
    expect(frameworksIn(OUT_OF_SCOPE)).toEqual([]);
  });

  it("takes a framework's findings as evidence, but not the framework-neutral checks'", () => {
    const s = scratch();
    const finding = (framework: Finding["framework"]) => ({ framework, ruleId: `${framework}.x` }) as Finding;
    expect(
      detectFrameworks(s.root, { findings: [finding("bentoml"), finding("ml-serving"), finding("training-monitor")], suppressed: [] }),
    ).toEqual(["bentoml"]);
    expect(
      detectFrameworks(s.root, {
        findings: [],
        suppressed: [
          { ruleId: "modal.function.x", path: "a.py", line: 1, reason: "ok", fingerprint: "f", commentLine: 1, severity: "high" },
        ],
      }),
    ).toEqual(["modal"]);
  });
});
