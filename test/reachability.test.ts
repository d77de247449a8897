/**
 * Advisory reachability (lib/engine/reachability.ts): an affected version whose vulnerable part no shipped code
 * uses is listed in advisoriesNotReached instead of reported; the uses are import-aware names, patterns and
 * rules; the code judged is the manifest's own folder's, else the repository's; with none, it is reachable.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAdvisories, parseAdvisoryFile } from "../lib/engine/advisory-set.ts";
import { RulebookError, loadRulebook } from "../lib/engine/rulebook.ts";
import { ReachabilityIndex, textUsesName, useNeedle } from "../lib/engine/reachability.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch } from "./helpers.ts";

const RULES = join(import.meta.dirname, "..", "rules");
const checks = loadRulebook(RULES).policies.find((p) => p.file === "ml-serving/dependency-advisories.policy.yaml")!.checks;

async function scan(files: Record<string, string>) {
  const s = scratch("posture-reach-");
  for (const [p, t] of Object.entries(files)) s.write(p, t);
  const r = await scanDirectory(s.root, { checks });
  expect(r.errors).toEqual([]);
  return {
    reported: r.findings.map((f) => `${f.path}:${f.line} ${/(CVE-\d+-\d+)/.exec(f.message)![1]}`).sort(),
    notReached: r.advisoriesNotReached.map((n) => `${n.path}:${n.line} ${n.package} ${n.declared} ${n.advisory}`),
    raw: r,
  };
}

describe("uses of a dotted name, through the module's imports", () => {
  it.each([
    ["import torch\nstate = torch.load(p)\n", "torch.load", true],
    ["import torch as t\nstate = t . load(p)\n", "torch.load", true],
    ["from torch import load\n", "torch.load", true],
    ["from torch.distributed import rpc\n", "torch.distributed.rpc", true],
    ["import torch.distributed.rpc as rpc\n", "torch.distributed.rpc", true],
    ["from torch.distributed.rpc import rpc_sync\n", "torch.distributed.rpc", true],
    ["from transformers.models.rag.retrieval_rag import RagRetriever\n", "transformers.models.rag", true],
    ["import gradio as gr\n", "gradio", true],
    ["from transformers import *\nclassify = pipeline('image-classification')\n", "transformers.pipeline", true],
    ["from torch.distributed.rpc import *\n", "torch.distributed.rpc", true],
    ["from transformers import *\nmodel = BertModel.from_pretrained(p)\n", "transformers.pipeline", false],
    // the name alone, or another module's attribute of the same name, is not a use
    ["import torch\nx = torch.loads(p)\n", "torch.load", false],
    ["import pickle\nload = pickle.load\nload(f)\n", "torch.load", false],
    ["from transformers import pipeline\n# RagRetriever is not used here\n", "transformers.RagRetriever", false],
    ["import torch\nimport numpy\nnumpy.load(p)\n", "torch.load", false],
    ["from . import torch\ntorch.load(p)\n", "torch.load", false],
  ])("%j uses %s: %s", (text, name, expected) => {
    expect(textUsesName(text, name)).toBe(expected);
  });

  it("searches a file for the word a use needs: a name's last part, a pattern's or a rule's longest word", () => {
    expect(useNeedle("torch.distributed.rpc")).toBe("rpc");
    expect(useNeedle("$REQ.form($$$)")).toBe("form");
    expect(useNeedle({ kind: "typed_parameter", has: { field: "type", regex: "^Path$" } })).toBe("Path");
    expect(useNeedle({ kind: "typed_parameter", has: { field: "type", regex: "Image\\.Image$" } })).toBe("Image");
    expect(useNeedle({ kind: "typed_parameter", has: { field: "type", regex: "^(Path|File)$" } })).toBeUndefined();
  });
});

describe("the index a scan's pass 1 fills", () => {
  const reachable = { uses: ["torch.load", "$REQ.form($$$)"], mentions: ["enable-prompt-embeds"] };

  it("judges a manifest by its own folder's code, and by the repository's when its folder has none", () => {
    const index = new ReachabilityIndex([reachable]);
    index.see("svc-a/app.py", "import torch\nm = torch.load('w.pt')\n", "production");
    index.see("svc-b/app.py", "from safetensors.torch import load_file\n", "production");
    expect(index.reach(reachable, "svc-a/requirements.txt")).toEqual({ reached: true, by: { path: "svc-a/app.py", use: "torch.load" } });
    expect(index.reach(reachable, "svc-b/requirements.txt")).toEqual({ reached: false, looked: 1 });
    // the root manifest installs for both services
    expect(index.reach(reachable, "requirements.txt").reached).toBe(true);
    expect(index.reach(reachable, "docker/requirements.txt").reached).toBe(true);
  });

  it("does not count test or docs code, or a setup script, and with no code to judge it calls it reachable", () => {
    const index = new ReachabilityIndex([reachable]);
    index.see("tests/test_load.py", "import torch\ntorch.load('w.pt')\n", "test");
    index.see("docs/conf.py", "import torch\ntorch.load('w.pt')\n", "docs");
    index.see("setup.py", "import torch\ntorch.load('w.pt')\n", "build");
    expect(index.reach(reachable, "requirements.txt")).toEqual({ reached: true });
    index.see("app.py", "print('hello')\n", "production");
    expect(index.reach(reachable, "requirements.txt")).toEqual({ reached: false, looked: 1 });
  });

  it("confirms a pattern on the parsed file, and reads mentions in any file, a launch flag in YAML too", () => {
    const index = new ReachabilityIndex([reachable]);
    index.see("app.py", "async def f(request):\n    # request.form() is not called here\n    return await request.json()\n", "production");
    expect(index.reach(reachable, "requirements.txt").reached).toBe(false);
    index.see("deploy/serve.yaml", "args: [--model, m, --enable-prompt-embeds]\n", "production");
    expect(index.reach(reachable, "requirements.txt")).toEqual({
      reached: true,
      by: { path: "deploy/serve.yaml", use: "enable-prompt-embeds" },
    });
  });

  it("an advisory without a reachable field is always reached", () => {
    expect(new ReachabilityIndex([]).reach(undefined, "requirements.txt")).toEqual({ reached: true });
  });
});

describe("scans", () => {
  it("lists an affected version no code reaches instead of reporting it, and reports the one code reaches", async () => {
    const r = await scan({
      "requirements.txt": "torch==2.2.0\ntransformers==4.35.2\nray==2.8.0\n",
      "app.py":
        "from transformers import BertForSequenceClassification\nimport ray\nmodel = BertForSequenceClassification.from_pretrained('bert-base-uncased')\n",
    });
    // Ray's dashboard advisories name no use: what they concern runs whatever the code says. A model named by a
    // literal loads no checkpoint anyone but its publisher chose, so torch's weights_only bypasses are not reached.
    expect(r.reported.filter((f) => !f.startsWith("requirements.txt:3"))).toEqual([]);
    expect(r.reported).toContain("requirements.txt:3 CVE-2023-48022");
    expect(r.notReached).toEqual([
      "requirements.txt:1 torch 2.2.0 CVE-2024-5480",
      "requirements.txt:1 torch 2.2.0 CVE-2025-32434",
      "requirements.txt:1 torch 2.2.0 CVE-2026-24747",
      "requirements.txt:2 transformers 4.35.2 CVE-2023-6730",
      "requirements.txt:2 transformers 4.35.2 CVE-2023-7018",
    ]);
    expect(r.raw.advisoriesNotReached[3]).toMatchObject({
      severity: "critical",
      filesLooked: 1,
      reachedBy: ["transformers.RagRetriever", "transformers.models.rag"],
    });

    const reached = await scan({
      "requirements.txt": "torch==1.13.0\ntransformers==4.35.2\n",
      "app.py":
        "import torch as t\nfrom torch.distributed import rpc\nimport transformers\nr = transformers.RagRetriever.from_pretrained('x')\n",
    });
    expect(reached.reported).toContain("requirements.txt:1 CVE-2024-5480");
    expect(reached.reported).toContain("requirements.txt:2 CVE-2023-6730");
    // TorchScript's eval of type comments, TransfoXL's vocabulary and torch.load (the one model is a literal) are
    // still not reached
    expect(reached.notReached).toEqual([
      "requirements.txt:1 torch 1.13.0 CVE-2022-45907",
      "requirements.txt:1 torch 1.13.0 CVE-2025-32434",
      "requirements.txt:1 torch 1.13.0 CVE-2026-24747",
      "requirements.txt:2 transformers 4.35.2 CVE-2023-7018",
    ]);
    // a pipeline() or AutoTokenizer builds a Transfo-XL tokenizer for any checkpoint of that kind it is pointed at
    for (const code of [
      "from transformers import pipeline\nnlp = pipeline('text-generation', model=cfg.model)\n",
      "from transformers import pipeline\nnlp = pipeline('text-generation', name)\n",
      "from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained(model_dir)\n",
    ]) {
      const auto = await scan({ "requirements.txt": "transformers==4.35.2\n", "app.py": code });
      expect(auto.reported, code).toEqual(["requirements.txt:1 CVE-2023-7018"]);
    }
    // ... not when the checkpoint is named, or left to the task's default
    for (const code of [
      "from transformers import pipeline\nnlp = pipeline('sentiment-analysis')\n",
      "from transformers import pipeline\nnlp = pipeline('text-generation', model='gpt2')\n",
      "from transformers import AutoTokenizer\nMODEL = 'bert-base-uncased'\ntok = AutoTokenizer.from_pretrained(MODEL)\n",
    ]) {
      const named = await scan({ "requirements.txt": "transformers==4.35.2\n", "app.py": code });
      expect(named.reported, code).toEqual([]);
    }
    // a checkpoint loaded by torch itself, or a model the code does not fix, reaches the weights_only bypasses
    for (const code of [
      "import torch as t\nstate = t.load(path, weights_only=True)\n",
      "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(settings.model_id)\n",
      "import whisper\nmodel = whisper.load_model(name)\n",
    ]) {
      const loads = await scan({ "requirements.txt": "torch==2.5.1\n", "app.py": code });
      expect(loads.reported, code).toEqual(["requirements.txt:1 CVE-2025-32434", "requirements.txt:1 CVE-2026-24747"]);
    }
    // a module constant names a fixed model as surely as a literal
    const fixed = await scan({
      "requirements.txt": "torch==2.5.1\n",
      "app.py": "from transformers import AutoModel\nMODEL_ID = 'bert-base-uncased'\nmodel = AutoModel.from_pretrained(MODEL_ID)\n",
    });
    expect(fixed.reported).toEqual([]);
  });

  it("holds a range to the same test: one that admits a critical advisory no code reaches is not reported", async () => {
    const r = await scan({ "requirements.txt": "transformers>=4.30\n", "app.py": "from transformers import BertModel\n" });
    expect(r.reported).toEqual([]);
    expect(r.notReached).toEqual([
      "requirements.txt:1 transformers transformers>=4.30 CVE-2023-6730",
      "requirements.txt:1 transformers transformers>=4.30 CVE-2023-7018",
    ]);
  });

  it("reads BentoML's URL-fetch advisory as reached by an image or file input, not by an image returned", async () => {
    const deps = { "requirements.txt": "bentoml==1.4.11\n" };
    const service = (sig: string) =>
      `import bentoml\nfrom PIL import Image\n\n@bentoml.service\nclass Gen:\n    @bentoml.api\n    def generate(self, ${sig}):\n        return Image.new("RGB", (8, 8))\n`;
    const ssrf = (r: Awaited<ReturnType<typeof scan>>) => r.reported.filter((f) => f.endsWith("CVE-2025-54381"));
    expect(ssrf(await scan({ ...deps, "service.py": service("prompt: str, steps: int = 4) -> Image.Image") }))).toEqual([]);
    expect(ssrf(await scan({ ...deps, "service.py": service("image: Image.Image, prompt: str) -> Image.Image") }))).toEqual([
      "requirements.txt:1 CVE-2025-54381",
    ]);
  });

  it("reads the multipart advisories as reached by an upload parameter, request.form() or a BentoML Path input", async () => {
    const deps = { "requirements.txt": "starlette==0.39.0\n" };
    expect(
      (
        await scan({
          ...deps,
          "api.py": "from fastapi import FastAPI\napp = FastAPI()\n@app.post('/q')\nasync def q(body: dict):\n    return body\n",
        })
      ).reported,
    ).toEqual([]);
    for (const code of [
      "from fastapi import File, UploadFile\nasync def up(f: UploadFile = File(...)):\n    return f.filename\n",
      "async def up(request):\n    form = await request.form()\n",
      "import bentoml\nfrom pathlib import Path\n@bentoml.service\nclass S:\n    @bentoml.api\n    def up(self, f: Path) -> str:\n        return f.name\n",
    ])
      expect((await scan({ ...deps, "api.py": code })).reported, code).toEqual([
        "requirements.txt:1 CVE-2024-47874",
        "requirements.txt:1 CVE-2025-54121",
      ]);
  });

  it("drops a finding once the code stops reaching it, and reports it again when it does", async () => {
    const deps = { "requirements.txt": "transformers==4.35.2\n" };
    const before = await scan({ ...deps, "rag.py": "from transformers import RagRetriever, TransfoXLTokenizer\n" });
    const after = await scan({ ...deps, "rag.py": "from transformers import BertModel\n" });
    expect(before.reported).toEqual(["requirements.txt:1 CVE-2023-6730", "requirements.txt:1 CVE-2023-7018"]);
    expect(after.reported).toEqual([]);
    expect(after.notReached).toHaveLength(2);
    const again = await scan({ ...deps, "rag.py": "from transformers import RagRetriever, TransfoXLTokenizer\n" });
    expect(again.raw.findings.map((f) => f.fingerprint)).toEqual(before.raw.findings.map((f) => f.fingerprint));
  });
});

describe("the reachable field of an advisory file", () => {
  const file = (reachable: string) =>
    `reviewed: 2026-12-04\nadvisories:\n  - id: CVE-2099-0001\n    package: torch\n    affected: ["<2.6"]\n    severity: high\n    summary: "x"\n    url: https://example.org/a\n    reachable: ${reachable}\n`;

  it("is validated where it is read, naming the field", () => {
    expect(() => parseAdvisoryFile(file("{ uses: [] }"), "a.yaml")).toThrow(/advisories\.0\.reachable: names no use and no mention/);
    expect(() => parseAdvisoryFile(file('{ uses: ["torch.load("] }'), "a.yaml")).toThrow(RulebookError);
    expect(() => parseAdvisoryFile(file('{ mentions: ["two words"] }'), "a.yaml")).toThrow(/not a word/);
    expect(
      parseAdvisoryFile(file('{ uses: [torch.load, "$M.to_runner($$$)"], mentions: [enable-prompt-embeds] }'), "a.yaml").advisories[0]!
        .reachable,
    ).toEqual({
      uses: ["torch.load", "$M.to_runner($$$)"],
      mentions: ["enable-prompt-embeds"],
    });
  });

  it("is set on the bundled advisories whose vulnerable part is a library call or a server the code runs", () => {
    const bundled = loadAdvisories(RULES);
    const reachableIds = (pkg: string) => bundled.filter((a) => a.package === pkg && a.reachable).map((a) => a.id);
    // a running Ray's flaws are reached where the repository runs Ray; TorchServe's wherever it is installed
    expect(reachableIds("ray").sort()).toEqual([
      "CVE-2023-48022",
      "CVE-2023-6019",
      "CVE-2023-6020",
      "CVE-2023-6021",
      "CVE-2025-1979",
      "CVE-2025-62593",
    ]);
    expect(reachableIds("torchserve")).toEqual([]);
    expect(reachableIds("transformers").sort()).toEqual(["CVE-2023-6730", "CVE-2023-7018"]);
  });
});
