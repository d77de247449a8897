import { describe, expect, it } from "vitest";
import { detectFrameworks } from "../lib/repos/frameworks.ts";
import type { Finding, ScanResult } from "../lib/engine/types.ts";
import { scratch } from "./helpers.ts";

const nothing: Pick<ScanResult, "findings" | "suppressed"> = { findings: [], suppressed: [] };

describe("framework detection", () => {
  it("finds each framework from its imports", () => {
    const s = scratch();
    s.write("a/modal_app.py", "import modal\napp = modal.App()\n");
    s.write("b/handler.py", "from ts.torch_handler.base_handler import BaseHandler\n");
    s.write("c/service.py", "import bentoml as b\n");
    s.write("d/serve_app.py", "from ray import serve\n");
    s.write("e/train.py", "import torch\nloss.backward()\noptimizer.step()\n");
    expect(detectFrameworks(s.root, nothing)).toEqual(["modal", "torchserve", "bentoml", "ray_serve", "training_monitor"]);
  });

  it("finds frameworks from dependencies and configuration files, not from words in code", () => {
    const s = scratch();
    s.write("requirements.txt", "ray[serve]>=2.9\nwandb\n");
    s.write("bento/bentofile.yaml", "service: 'service:svc'\n");
    s.write("ts/config.properties", "inference_address=http://127.0.0.1:8080\n");
    s.write("notes.py", "# we might use modal or bentoml one day\nx = 'import modal'\nimport torch\n");
    expect(detectFrameworks(s.root, nothing)).toEqual(["torchserve", "bentoml", "ray_serve", "training_monitor"]);
    const plain = scratch();
    plain.write("requirements.txt", "ray>=2.9\ntorch\n");
    plain.write("app.py", "import torch\nmodel = torch.load('m.pt')\n");
    plain.write("config.properties", "some.key=1\n");
    expect(detectFrameworks(plain.root, nothing)).toEqual([]);
  });

  it("counts what the engine saw: ignored directories and .posture.yaml exclusions are not evidence", () => {
    const s = scratch();
    s.write(".venv/lib/site.py", "import modal\n");
    s.write("node_modules/x/y.py", "import bentoml\n");
    s.write("vendor/ray_app.py", "from ray import serve\n");
    s.write(".posture.yaml", "exclude:\n  - path: vendor\n    reason: third-party code\n");
    expect(detectFrameworks(s.root, nothing)).toEqual([]);
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
