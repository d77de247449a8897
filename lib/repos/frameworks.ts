/**
 * Which ML-serving frameworks a repository uses (Modal, TorchServe, BentoML, Ray Serve, training code), from
 * what the engine saw in one scan: the files it walked (the same walk, so ignored directories and the
 * repository's .posture.yaml exclusions count here too), their Python imports and dependency declarations,
 * the frameworks' own configuration files, and the findings the scan reported. Used by the repositories page's
 * framework filter; recorded per scan, so a repository that drops a framework stops being listed under it.
 *
 * Evidence, per framework (any one is enough):
 *  - Modal: `import modal` / `from modal ...`; a `modal` dependency.
 *  - TorchServe: an import of `ts.*` (its handler base classes); a `torchserve` or `torch-model-archiver`
 *    dependency; a `config.properties` with TorchServe's address keys; a `.mar` archive.
 *  - BentoML: `import bentoml`; a `bentoml` dependency; a `bentofile.yaml`.
 *  - Ray Serve: `from ray import serve`, `ray.serve`; a `ray[serve]` dependency; a Serve config file
 *    (`applications:` with an `import_path:`).
 *  - Training: an import of a training library (PyTorch Lightning, Accelerate, DeepSpeed, wandb, MLflow,
 *    TensorBoard, transformers' Trainer), or PyTorch code that steps an optimiser (`.backward()`, `optimizer.step()`).
 * A finding of a framework's checks is evidence too (its policy only matches that framework's code), except the
 * framework-neutral ml-serving and training-monitor checks, which match any repository (a leaked key in a
 * shell script says nothing about training).
 */
import { readFileSync } from "node:fs";
import { isDependencyManifest, buildDependencyIndex } from "../engine/dependencies.ts";
import { parseImports } from "../engine/imports.ts";
import { readRepoConfig } from "../engine/repo-config.ts";
import type { ScanResult } from "../engine/types.ts";
import { walk } from "../engine/walk.ts";
import { USED_FRAMEWORKS, type UsedFramework } from "./framework-names.ts";

export { USED_FRAMEWORK_LABELS, USED_FRAMEWORKS, type UsedFramework } from "./framework-names.ts";

// Big enough for any real service module or manifest; a larger file is data, not evidence.
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 50_000;

const FROM_FINDINGS: Record<string, UsedFramework | undefined> = {
  modal: "modal",
  torchserve: "torchserve",
  bentoml: "bentoml",
  "ray-serve": "ray_serve",
};

const TRAINING_MODULES = new Set([
  "lightning",
  "pytorch_lightning",
  "accelerate",
  "deepspeed",
  "wandb",
  "mlflow",
  "tensorboard",
  "tensorboardX",
  "torch.utils.tensorboard",
]);
const TRAINING_STEP = /\.backward\(\s*\)|\b(?:optimizer|optim|opt)\.step\(\s*\)|\bTrainer\s*\(/;
const TORCHSERVE_PROPERTIES = /^\s*(?:inference_address|management_address|metrics_address|model_store|load_models)\s*=/m;
const SERVE_CONFIG = /^applications\s*:/m;
const SERVE_IMPORT_PATH = /^\s*-?\s*import_path\s*:/m;

function isTarget(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  return rel.endsWith(".py") || rel.endsWith(".mar") || base === "config.properties" || /\.ya?ml$/i.test(base) || isDependencyManifest(rel);
}

function fromImports(text: string, found: Set<UsedFramework>): void {
  let torch = false;
  for (const b of parseImports(text)) {
    if (b.level) continue;
    const root = b.module.split(".")[0]!;
    if (root === "modal") found.add("modal");
    else if (root === "bentoml") found.add("bentoml");
    else if (root === "ts" && b.module.includes(".")) found.add("torchserve");
    else if (root === "ts" && b.name && /handler|context|utils|metrics/.test(b.name)) found.add("torchserve");
    else if (root === "ray" && (b.module.startsWith("ray.serve") || b.name === "serve")) found.add("ray_serve");
    if (TRAINING_MODULES.has(b.module) || TRAINING_MODULES.has(root) || (b.module === "torch.utils" && b.name === "tensorboard"))
      found.add("training_monitor");
    if (root === "transformers" && (b.name === "Trainer" || b.name === "Seq2SeqTrainer")) found.add("training_monitor");
    if (root === "torch") torch = true;
  }
  if (torch && TRAINING_STEP.test(text)) found.add("training_monitor");
}

/**
 * The frameworks in the checkout at `root` that `result` is the scan of. Never throws for the checkout's
 * content: an unreadable file is no evidence.
 */
export function detectFrameworks(root: string, result: Pick<ScanResult, "findings" | "suppressed">): UsedFramework[] {
  const found = new Set<UsedFramework>();
  for (const f of result.findings) {
    const fw = FROM_FINDINGS[f.framework];
    if (fw) found.add(fw);
  }
  for (const s of result.suppressed) {
    const fw = FROM_FINDINGS[s.ruleId.split(".")[0]!];
    if (fw) found.add(fw);
  }
  const repo = readRepoConfig(root);
  const walked = walk(root, { maxFileBytes: MAX_FILE_BYTES, maxFiles: MAX_FILES, isTarget, excluded: repo.config.excluded });
  const manifests: { path: string; text: string }[] = [];
  for (const file of walked.files) {
    if (file.rel.endsWith(".mar")) {
      found.add("torchserve");
      continue;
    }
    if (file.size > MAX_FILE_BYTES) continue;
    let text: string;
    try {
      text = readFileSync(file.abs, "utf8");
    } catch {
      continue;
    }
    const base = file.rel.slice(file.rel.lastIndexOf("/") + 1);
    if (file.rel.endsWith(".py")) fromImports(text, found);
    if (/^bentofile\.ya?ml$/.test(base)) found.add("bentoml");
    if (base === "config.properties" && TORCHSERVE_PROPERTIES.test(text)) found.add("torchserve");
    if (/\.ya?ml$/i.test(base) && SERVE_CONFIG.test(text) && SERVE_IMPORT_PATH.test(text)) found.add("ray_serve");
    if (isDependencyManifest(file.rel)) manifests.push({ path: file.rel, text });
  }
  if (manifests.length) {
    const { index } = buildDependencyIndex(manifests);
    for (const [, declarations] of index.directories()) {
      for (const d of declarations) {
        if (d.name === "modal") found.add("modal");
        else if (d.name === "bentoml") found.add("bentoml");
        else if (d.name === "torchserve" || d.name === "torch-model-archiver") found.add("torchserve");
        else if (d.name === "ray" && /\[[^\]]*\bserve\b[^\]]*\]/i.test(d.text)) found.add("ray_serve");
        else if (["lightning", "pytorch-lightning", "accelerate", "deepspeed", "wandb", "mlflow"].includes(d.name))
          found.add("training_monitor");
      }
    }
  }
  return USED_FRAMEWORKS.filter((f) => found.has(f));
}
