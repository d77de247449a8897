/** Generators of realistic ML-serving repositories for benchmarks: plain service code with a sprinkling of risky patterns. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const SERVICE = (i: number) => `"""Service module ${i}: request handling for the inference API."""
import json
import logging
import os

import numpy as np

logger = logging.getLogger(__name__)

MAX_BATCH = ${8 + (i % 8)}


def normalise(values):
    arr = np.asarray(values, dtype=np.float32)
    if arr.ndim != 2:
        raise ValueError("expected a 2-d batch")
    return (arr - arr.mean(axis=0)) / (arr.std(axis=0) + 1e-6)


class Predictor${i}:
    def __init__(self, model):
        self.model = model
        self.threshold = float(os.environ.get("THRESHOLD", "0.5"))

    def predict(self, payload: dict) -> dict:
        batch = normalise(payload["inputs"])[:MAX_BATCH]
        scores = self.model(batch)
        logger.info("scored %d rows", len(batch))
        return {"scores": scores.tolist(), "threshold": self.threshold}
`;

const RISKY: ((i: number) => string)[] = [
  (i) => `import subprocess


def export_model_${i}(name):
    subprocess.run(f"tar czf /tmp/{name}.tgz models/{name}", shell=True, check=True)
`,
  (i) => `import pickle


class Handler${i}:
    def handle(self, data, context):
        return pickle.loads(data[0]["body"])
`,
  (i) => `from transformers import AutoModel


def load_${i}(name):
    return AutoModel.from_pretrained(name, trust_remote_code=True)
`,
  (i) => `import os


def cleanup_${i}(path):
    os.system("rm -rf " + path)
`,
];

const MANIFEST = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
spec:
  template:
    spec:
      containers:
        - name: svc
          image: registry.example.com/svc:${i}
          securityContext:
            privileged: ${i % 5 === 0 ? "true" : "false"}
          resources:
            limits:
              cpu: "1"
              memory: 1Gi
`;

function write(root: string, rel: string, content: string) {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir }).toString().trim();
}

/** A git repository of `files` files (about 94% Python, the rest manifests and config), `riskyEvery`th module risky. */
export function generateRepository(dir: string, files: number, opts: { riskyEvery?: number; seed?: number } = {}): void {
  mkdirSync(dir, { recursive: true });
  const riskyEvery = opts.riskyEvery ?? 10;
  const seed = opts.seed ?? 0;
  for (let i = 0; i < files; i++) {
    const n = i + seed;
    if (i % 33 === 32) write(dir, `deploy/k8s/svc-${i}.yaml`, MANIFEST(n));
    else if (i % 50 === 49)
      write(
        dir,
        `serving/config-${i}.properties`,
        `inference_address=http://127.0.0.1:8080\nmanagement_address=http://${i % 100 === 99 ? "0.0.0.0" : "127.0.0.1"}:8081\n`,
      );
    else write(dir, `src/pkg${i % 20}/module_${i}.py`, i % riskyEvery === 0 ? `${SERVICE(n)}\n${RISKY[n % RISKY.length]!(n)}` : SERVICE(n));
  }
  git(dir, "init", "-q", "-b", "main");
  git(dir, "-c", "user.email=bench@example.test", "-c", "user.name=bench", "add", "-A");
  git(dir, "-c", "user.email=bench@example.test", "-c", "user.name=bench", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "generated");
}
