/**
 * The demo organisation's content: eight small ML-serving repositories written for the demo, each as a script
 * of commits over eight weeks (insecure first versions, fixes, a regression that brings a fixed finding back,
 * a new problem introduced late), and the triage a security team would have done along the way.
 *
 * Everything here is data; lib/demo/seed.ts turns it into git repositories, scans and triage.
 * Days count from the start of the demo history (eight weeks before the seeding); fractions are times of day.
 *
 * Credentials in this content are fakes that only look like the real formats, built at run time by `fake` so
 * that no token-shaped literal sits in Posture's own source (secret scanners would rightly complain).
 */
import { createHash } from "node:crypto";

export const DEMO_DAYS = 56;

export interface DemoCommit {
  day: number;
  author: string;
  message: string;
  /** Whole files to write (text, or bytes for a model file); null removes the file. */
  files?: Record<string, string | Uint8Array | null>;
  /** Exact text replacements in existing files, [before, after] in order; each `before` must occur. */
  edits?: Record<string, [string, string][]>;
}

export interface DemoRepo {
  name: string;
  team: string;
  commits: DemoCommit[];
}

/** Demo people: a key, the part of the email before @, a display name, and a role. */
export const DEMO_USERS = [
  // Team-scoped (issue 16): the engineers see only their teams' repositories; the lead (who also keeps the
  // org's settings and rules) and the viewer (an auditor) are org-wide.
  {
    key: "lead",
    local: "lead",
    name: "Sam Okafor",
    role: "security_lead",
    teams: ["ml-platform", "search", "vision", "llm-apps"],
    orgWide: true,
  },
  { key: "engineer", local: "engineer", name: "Priya Raman", role: "engineer", teams: ["llm-apps", "ml-platform"], orgWide: false },
  { key: "vision", local: "marco", name: "Marco Bianchi", role: "engineer", teams: ["vision"], orgWide: false },
  { key: "search", local: "yuki", name: "Yuki Tanaka", role: "engineer", teams: ["search"], orgWide: false },
  { key: "viewer", local: "viewer", name: "Alex Morgan", role: "viewer", teams: [] as string[], orgWide: true },
] as const;
export type DemoUserKey = (typeof DEMO_USERS)[number]["key"];
export const DEMO_EMAIL_DOMAIN = "demo.posture.local";
export const DEMO_TEAMS = ["ml-platform", "search", "vision", "llm-apps"] as const;

/**
 * A triage step, applied at its day through lib/findings/triage.ts. The finding is the first one still tracked
 * (not fixed) in `repo` from `check`, optionally in `path`.
 */
export interface DemoTriage {
  day: number;
  by: DemoUserKey;
  repo: string;
  check: string;
  path?: string;
  status?: "in_progress" | "false_positive" | "accepted_risk" | "open";
  reason?: string;
  /** Accepted risk: days from the real "now" (the expiry must lie in the future). */
  acceptedForDays?: number;
  assign?: DemoUserKey | null;
  comment?: string;
}

/** A deterministic token-shaped fake: prefix + `length` characters derived from `seed`. */
export function fake(
  prefix: string,
  seed: string,
  length: number,
  alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
): string {
  let out = "";
  let block = createHash("sha256").update(seed).digest();
  for (let i = 0; out.length < length; i++) {
    if (i >= block.length) {
      block = createHash("sha256").update(block).digest();
      i = 0;
    }
    out += alphabet[block[i]! % alphabet.length];
  }
  return prefix + out;
}

const HF_TOKEN = fake("hf_", "llm-inference hf", 34);
const WANDB_KEY = fake("", "finetune wandb", 40, "0123456789abcdef");
const HF_FINETUNE = fake("hf_", "finetune hf", 34);
const AWS_SECRET = fake("", "finetune aws secret", 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");
const OPENAI_KEY = fake("sk-proj-", "gateway openai", 40);
const PYPI_PASS = fake("", "embedding pypi", 18);
const S3_KEY = fake("", "fraud s3", 20, "abcdefghijklmnopqrstuvwxyz0123456789");

const P = "Priya Raman <priya@acme-ml.example>";
const D = "Dmitri Volkov <dmitri@acme-ml.example>";
const M = "Marco Bianchi <marco@acme-ml.example>";
const Y = "Yuki Tanaka <yuki@acme-ml.example>";
const L = "Lena Fischer <lena@acme-ml.example>";
const S = "Sam Okafor <sam@acme-ml.example>";

// ---------------------------------------------------------------------------------------------------------
// 1. llm-apps / support-assistant-llm: a Modal app serving an instruction-tuned LLM behind a web endpoint.
// ---------------------------------------------------------------------------------------------------------

const supportAssistantApp = `"""Support assistant: chat completions served from Modal on A10G GPUs with vLLM."""
import os
import time

import modal

MODEL_ID = "mistralai/Mistral-7B-Instruct-v0.3"
MODEL_REVISION = "e0bc86c23ce5aae1db576c8cca6f06f1f73af2db"
HF_TOKEN = "${HF_TOKEN}"

app = modal.App("support-assistant-llm")

image = (
    modal.Image.debian_slim(python_version="3.11")
    .pip_install("vllm", "transformers", "fastapi[standard]")
    .env({"HF_HUB_ENABLE_HF_TRANSFER": "1", "VLLM_WORKER_MULTIPROC_METHOD": "spawn"})
)

weights = modal.Volume.from_name("support-assistant-weights", create_if_missing=True)


@app.cls(image=image, gpu="A10G", timeout=900, volumes={"/weights": weights}, scaledown_window=300)
class Assistant:
    @modal.enter()
    def load(self):
        from transformers import AutoTokenizer
        from vllm import LLM

        self.tokenizer = AutoTokenizer.from_pretrained(MODEL_ID, revision=MODEL_REVISION, token=HF_TOKEN, trust_remote_code=True)
        self.llm = LLM(model=MODEL_ID, revision=MODEL_REVISION, download_dir="/weights", max_model_len=8192)

    @modal.method()
    def complete(self, messages: list[dict], max_tokens: int = 512, temperature: float = 0.2) -> str:
        from vllm import SamplingParams

        prompt = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        params = SamplingParams(max_tokens=max_tokens, temperature=temperature)
        return self.llm.generate([prompt], params)[0].outputs[0].text


@app.function(image=image, timeout=120)
@modal.fastapi_endpoint(method="POST")
def chat(body: dict):
    started = time.monotonic()
    reply = Assistant().complete.remote(body["messages"], body.get("max_tokens", 512))
    return {"reply": reply, "latency_ms": int((time.monotonic() - started) * 1000)}
`;

const supportAssistantReadme = `# support-assistant-llm

Chat completions for the in-product support assistant (Mistral 7B Instruct on vLLM), deployed to Modal.

    modal deploy app.py
    curl -X POST "$ENDPOINT" -d '{"messages": [{"role": "user", "content": "How do I reset my API key?"}]}'
`;

const supportAssistantSchemas = `from pydantic import BaseModel, Field


class Message(BaseModel):
    role: str = Field(pattern="^(system|user|assistant)$")
    content: str = Field(max_length=8000)


class ChatRequest(BaseModel):
    messages: list[Message] = Field(min_length=1, max_length=40)
    max_tokens: int = Field(default=512, ge=1, le=2048)
`;

// Code that does not serve: an example a newcomer runs on a laptop (counted: examples get copied into
// services) and a test with a stand-in token (test code: not counted unless the org asks).
const supportAssistantQuickstart = `"""Try the assistant's model on a laptop before deploying it with Modal."""
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL = "mistralai/Mistral-7B-Instruct-v0.3"

tokenizer = AutoTokenizer.from_pretrained(MODEL, trust_remote_code=True)
model = AutoModelForCausalLM.from_pretrained(MODEL, trust_remote_code=True)

prompt = tokenizer.apply_chat_template([{"role": "user", "content": "Where is my order?"}], tokenize=False)
print(tokenizer.decode(model.generate(**tokenizer(prompt, return_tensors="pt"), max_new_tokens=64)[0]))
`;

const supportAssistantTest = `import os

import pytest

# A stand-in token: the chat endpoint only checks that one is configured.
HF_TOKEN = "hf_${fake("", "support-test", 34)}"


@pytest.fixture(autouse=True)
def fake_token(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)


def test_token_is_read_from_the_environment():
    assert os.environ["HF_TOKEN"].startswith("hf_")
`;

const supportAssistant: DemoRepo = {
  name: "support-assistant-llm",
  team: "llm-apps",
  commits: [
    {
      day: 0.4,
      author: P,
      message: "Initial Modal app: Mistral 7B chat endpoint on vLLM",
      files: { "app.py": supportAssistantApp, "README.md": supportAssistantReadme },
    },
    {
      day: 6.6,
      author: P,
      message: "Pin vllm and transformers; builds were picking up breaking releases",
      edits: {
        "app.py": [
          [
            '.pip_install("vllm", "transformers", "fastapi[standard]")',
            '.pip_install("vllm==0.6.3", "transformers==4.45.2", "fastapi[standard]==0.115.4")',
          ],
        ],
      },
    },
    {
      day: 12.5,
      author: D,
      message: "Read the Hugging Face token from a Modal secret instead of the source",
      edits: {
        "app.py": [
          [`HF_TOKEN = "${HF_TOKEN}"\n`, ""],
          ["token=HF_TOKEN", 'token=os.environ["HF_TOKEN"]'],
          [
            'volumes={"/weights": weights}, scaledown_window=300)',
            'volumes={"/weights": weights}, scaledown_window=300, secrets=[modal.Secret.from_name("huggingface-read")])',
          ],
        ],
      },
    },
    {
      day: 15.4,
      author: D,
      message: "A laptop quickstart for the model, and a first test",
      files: { "examples/local_quickstart.py": supportAssistantQuickstart, "tests/test_app.py": supportAssistantTest },
    },
    {
      day: 19.7,
      author: P,
      message: "Validate chat requests with pydantic and require Modal proxy auth on the endpoint",
      files: { "schemas.py": supportAssistantSchemas },
      edits: {
        "app.py": [
          ["import modal\n", "import modal\n\nfrom schemas import ChatRequest\n"],
          [
            '@modal.fastapi_endpoint(method="POST")\ndef chat(body: dict):',
            '@modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)\ndef chat(body: ChatRequest):',
          ],
          [
            'Assistant().complete.remote(body["messages"], body.get("max_tokens", 512))',
            "Assistant().complete.remote([m.model_dump() for m in body.messages], body.max_tokens)",
          ],
        ],
      },
    },
    {
      day: 26.4,
      author: D,
      message: "Add a warm-up job so the first request after a deploy is not a cold start",
      edits: {
        "app.py": [
          [
            '    return {"reply": reply, "latency_ms": int((time.monotonic() - started) * 1000)}\n',
            `    return {"reply": reply, "latency_ms": int((time.monotonic() - started) * 1000)}


@app.function(image=image, schedule=modal.Period(minutes=5))
def keep_warm():
    Assistant().complete.remote([{"role": "user", "content": "ping"}], max_tokens=1)
`,
          ],
        ],
      },
    },
    {
      day: 33.3,
      author: D,
      message: 'Revert "require Modal proxy auth": the docs playground calls the endpoint directly',
      edits: { "app.py": [['@modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)', '@modal.fastapi_endpoint(method="POST")']] },
    },
    {
      day: 40.6,
      author: P,
      message: "keep_warm: bound the run time and never run two at once",
      edits: {
        "app.py": [
          [
            "@app.function(image=image, schedule=modal.Period(minutes=5))",
            "@app.function(image=image, schedule=modal.Period(minutes=5), timeout=60, max_containers=1)",
          ],
        ],
      },
    },
    {
      day: 47.5,
      author: P,
      message: "Put proxy auth back; the playground now goes through the API gateway",
      edits: { "app.py": [['@modal.fastapi_endpoint(method="POST")', '@modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)']] },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// 2. search / catalog-embeddings: a Modal batch job embedding the product catalogue every night.
// ---------------------------------------------------------------------------------------------------------

const embedJob = `"""Nightly batch job: embeds the product catalogue and upserts the vectors into the search index."""
import logging
import os

import modal

logger = logging.getLogger("catalog-embeddings")

app = modal.App("catalog-embeddings")

image = (
    modal.Image.from_registry("pytorch/pytorch:latest")
    .apt_install("curl", "wget", "openssh-client")
    .pip_install("sentence-transformers==3.1.1", "psycopg[binary]==3.2.3", "qdrant-client==1.12.0")
    .copy_local_dir(".", "/app")
)

BATCH_SIZE = 256


@app.function(image=image, gpu="L4", timeout=1800, secrets=[modal.Secret.from_name("catalog-db"), modal.Secret.from_name("qdrant")])
def embed_batch(rows: list[tuple[str, str]]) -> list[tuple[str, list[float]]]:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer("BAAI/bge-base-en-v1.5", device="cuda")
    vectors = model.encode([text for _, text in rows], batch_size=64, normalize_embeddings=True)
    return [(sku, v.tolist()) for (sku, _), v in zip(rows, vectors)]


@app.function(
    image=image,
    schedule=modal.Cron("0 1 * * *"),
    timeout=7200,
    secrets=[modal.Secret.from_name("catalog-db"), modal.Secret.from_name("qdrant")],
)
def nightly():
    import psycopg
    from qdrant_client import QdrantClient

    dsn = os.environ["CATALOG_DSN"]
    api_key = os.environ["QDRANT_API_KEY"]
    print(f"connecting to qdrant with key {api_key}")
    client = QdrantClient(url=os.environ["QDRANT_URL"], api_key=api_key)
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT sku, title || ' ' || description FROM products WHERE active").fetchall()
    batches = [rows[i : i + BATCH_SIZE] for i in range(0, len(rows), BATCH_SIZE)]
    for result in embed_batch.map(batches):
        client.upsert("catalog", points=[{"id": sku, "vector": vec} for sku, vec in result])
    logger.info("embedded %d products", len(rows))
`;

const catalogEmbeddings: DemoRepo = {
  name: "catalog-embeddings",
  team: "search",
  commits: [
    {
      day: 1.5,
      author: Y,
      message: "Nightly catalogue embedding job on Modal",
      files: {
        "embed_job.py": embedJob,
        "README.md":
          "# catalog-embeddings\n\nNightly job that embeds the product catalogue (bge-base) into the Qdrant `catalog` collection.\n\n    modal deploy embed_job.py\n",
      },
    },
    {
      day: 8.6,
      author: Y,
      message: "Stop printing the Qdrant API key in the job log",
      edits: {
        "embed_job.py": [
          [
            '    print(f"connecting to qdrant with key {api_key}")\n',
            '    logger.info("connecting to qdrant at %s", os.environ["QDRANT_URL"])\n',
          ],
        ],
      },
    },
    {
      day: 16.4,
      author: L,
      message: "Build on a pinned slim CUDA runtime image; drop tools the job does not need",
      edits: {
        "embed_job.py": [
          [
            'modal.Image.from_registry("pytorch/pytorch:latest")',
            'modal.Image.from_registry("nvidia/cuda:12.4.1-runtime-ubuntu22.04", add_python="3.11")',
          ],
          ['    .apt_install("curl", "wget", "openssh-client")\n', '    .apt_install("libgomp1")\n'],
        ],
      },
    },
    {
      day: 27.6,
      author: Y,
      message: "Use the internal tokenizer package from our private index",
      edits: {
        "embed_job.py": [
          [
            '    .copy_local_dir(".", "/app")\n',
            `    .run_commands("pip install --extra-index-url https://ci-bot:${PYPI_PASS}@pypi.internal.acme-ml.example/simple acme-tokenize==0.4.2")
    .copy_local_dir(".", "/app")
`,
          ],
        ],
      },
    },
    {
      day: 29.5,
      author: L,
      message: "Install the private package with a Modal secret, not credentials in the URL",
      edits: {
        "embed_job.py": [
          [
            `    .run_commands("pip install --extra-index-url https://ci-bot:${PYPI_PASS}@pypi.internal.acme-ml.example/simple acme-tokenize==0.4.2")\n`,
            `    .run_commands(
        "pip install --extra-index-url https://ci-bot:$PYPI_TOKEN@pypi.internal.acme-ml.example/simple acme-tokenize==0.4.2",
        secrets=[modal.Secret.from_name("internal-pypi")],
    )
`,
          ],
        ],
      },
    },
    {
      day: 44.4,
      author: Y,
      message: "Only ship the job's sources into the image",
      edits: {
        "embed_job.py": [
          [
            '    .copy_local_dir(".", "/app")\n',
            '    .add_local_dir(".", remote_path="/app", ignore=["*.env", ".git", "**/__pycache__", "notebooks/"])\n',
          ],
        ],
      },
    },
    {
      day: 51.6,
      author: Y,
      message: "Re-embed changed products every 15 minutes",
      edits: {
        "embed_job.py": [
          [
            '    logger.info("embedded %d products", len(rows))\n',
            `    logger.info("embedded %d products", len(rows))


@app.function(image=image, schedule=modal.Period(minutes=15), secrets=[modal.Secret.from_name("catalog-db"), modal.Secret.from_name("qdrant")])
def incremental():
    nightly.local()
`,
          ],
        ],
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// 3. vision / product-image-classifier: a TorchServe deployment (config, Dockerfile, start script).
// ---------------------------------------------------------------------------------------------------------

const classifierConfig = `# TorchServe configuration for the product image classifier
inference_address=http://0.0.0.0:8080
management_address=http://0.0.0.0:8081
metrics_address=http://0.0.0.0:8082
number_of_netty_threads=4
job_queue_size=200
default_workers_per_model=2
model_store=/tmp/model-store
load_models=product_classifier.mar
disable_token_authorization=true
enable_model_api=true
allowed_urls=https://.*|s3://.*
max_request_size=10485760
`;

const classifierDockerfile = `FROM pytorch/torchserve:0.12.0-gpu

ENV TS_DISABLE_TOKEN_AUTHORIZATION=true
COPY config.properties /home/model-server/config.properties
COPY model-store/ /tmp/model-store/

EXPOSE 8080 8081 8082
CMD ["torchserve", "--start", "--ncs", "--ts-config", "/home/model-server/config.properties", "--model-store", "/tmp/model-store", "--models", "all"]
`;

const classifierPackage = `#!/usr/bin/env bash
# Builds product_classifier.mar from the exported weights.
set -euo pipefail
torch-model-archiver --model-name product_classifier --version "$(git rev-parse --short HEAD)" \\
  --serialized-file artifacts/resnet50_products.pt --handler image_classifier \\
  --extra-files artifacts/index_to_name.json --export-path model-store --force
`;

const classifierSmoke = `"""Smoke test run by CI after each deploy."""
import sys

import requests

ENDPOINT = "http://product-classifier.vision.svc:8080"


def main(image_path: str) -> int:
    with open(image_path, "rb") as fh:
        r = requests.post(f"{ENDPOINT}/predictions/product_classifier", data=fh.read(), timeout=10)
    r.raise_for_status()
    print(r.json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
`;

const classifierClient = `"""Thin client used by the catalogue ingestion service to tag product photos."""
import httpx

TS_INFERENCE = "http://product-classifier.vision.svc:8080"

client = httpx.Client(base_url=TS_INFERENCE)


def classify(image: bytes, model: str = "product_classifier") -> dict:
    resp = client.post(f"/predictions/{model}", content=image)
    resp.raise_for_status()
    return resp.json()
`;

/**
 * A pickle that runs a shell command when loaded (GLOBAL os.system, the command, REDUCE), built here so that no
 * such file sits in Posture's source. The demo's command only writes a marker; Posture never loads it.
 */
export function maliciousPickle(command: string): Uint8Array {
  const cmd = Buffer.from(command, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(cmd.length);
  // PROTO 2, GLOBAL "os system", BINUNICODE cmd, TUPLE1, REDUCE, STOP
  return Buffer.concat([
    Buffer.from([0x80, 0x02]),
    Buffer.from("cos\nsystem\n", "latin1"),
    Buffer.from([0x58]),
    len,
    cmd,
    Buffer.from([0x85, 0x52, 0x2e]),
  ]);
}

const classifierRescore = `"""Nightly re-scoring of low-confidence catalogue photos with the distilled re-ranker."""
import os
import pickle

MODEL_STORE = "model-store"


def load_reranker():
    with open(os.path.join(MODEL_STORE, "reranker.pkl"), "rb") as fh:
        return pickle.load(fh)


if __name__ == "__main__":
    reranker = load_reranker()
    print(type(reranker))
`;

const productClassifier: DemoRepo = {
  name: "product-image-classifier",
  team: "vision",
  commits: [
    {
      day: 0.7,
      author: M,
      message: "TorchServe deployment for the ResNet-50 product classifier",
      files: {
        "config.properties": classifierConfig,
        Dockerfile: classifierDockerfile,
        "scripts/package.sh": classifierPackage,
        "scripts/smoke_test.py": classifierSmoke,
        "README.md": "# product-image-classifier\n\nTorchServe deployment of the ResNet-50 product classifier (vision team).\n",
      },
    },
    {
      day: 8.4,
      author: M,
      message: "Bind the management and metrics APIs to localhost",
      edits: {
        "config.properties": [
          ["management_address=http://0.0.0.0:8081", "management_address=http://127.0.0.1:8081"],
          ["metrics_address=http://0.0.0.0:8082", "metrics_address=http://127.0.0.1:8082"],
        ],
      },
    },
    {
      day: 15.6,
      author: S,
      message: "Turn token authorization back on (TorchServe 0.11+ default)",
      edits: {
        "config.properties": [["disable_token_authorization=true\n", ""]],
        Dockerfile: [["ENV TS_DISABLE_TOKEN_AUTHORIZATION=true\n", ""]],
      },
    },
    {
      day: 22.5,
      author: M,
      message: "Only register models from our artifact bucket; keep the model store out of /tmp",
      edits: {
        "config.properties": [
          ["allowed_urls=https://.*|s3://.*", "allowed_urls=s3://acme-ml-models/vision/.*"],
          ["model_store=/tmp/model-store", "model_store=/home/model-server/model-store"],
        ],
        Dockerfile: [
          ["COPY model-store/ /tmp/model-store/", "COPY model-store/ /home/model-server/model-store/"],
          ['"--model-store", "/tmp/model-store"', '"--model-store", "/home/model-server/model-store"'],
        ],
      },
    },
    {
      day: 36.7,
      author: M,
      message: "Expose the management API for the load test cluster",
      edits: { "config.properties": [["management_address=http://127.0.0.1:8081", "management_address=http://0.0.0.0:8081"]] },
    },
    {
      day: 39.4,
      author: M,
      message: "Load test done: management API back on localhost",
      edits: { "config.properties": [["management_address=http://0.0.0.0:8081", "management_address=http://127.0.0.1:8081"]] },
    },
    {
      day: 49.6,
      author: L,
      message: "Add an inference client for the catalogue ingestion service",
      files: { "client/classifier_client.py": classifierClient },
    },
    {
      day: 52.3,
      author: M,
      message: "Distilled re-ranker from the vendor's model hub, and a nightly re-scoring script",
      files: { "model-store/reranker.pkl": maliciousPickle("touch /tmp/posture-demo-pickle-ran"), "scripts/rescore.py": classifierRescore },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// 4. vision / torchserve-handlers: custom TorchServe handlers shared by the vision models.
// ---------------------------------------------------------------------------------------------------------

const textHandler = `"""Custom handler for the product-description quality model (DistilBERT)."""
import json
import pickle

import torch
from ts.torch_handler.base_handler import BaseHandler
from transformers import AutoTokenizer


class DescriptionQualityHandler(BaseHandler):
    def initialize(self, context):
        super().initialize(context)
        model_dir = context.system_properties.get("model_dir")
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)

    def preprocess(self, data):
        texts = []
        for row in data:
            body = row.get("data") or row.get("body")
            # Batch jobs send pickled lists of descriptions; the web app sends JSON.
            payload = pickle.loads(body) if isinstance(body, (bytes, bytearray)) else json.loads(body)
            texts.extend(payload["texts"])
        return self.tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")

    def inference(self, inputs):
        with torch.inference_mode():
            return self.model(**inputs).logits.softmax(-1)

    def postprocess(self, outputs):
        return [{"quality": float(p[1])} for p in outputs]
`;

const videoHandler = `"""Handler that samples frames from short product videos and classifies them."""
import os
import subprocess
import tempfile

import torch
from PIL import Image
from torchvision import transforms
from ts.torch_handler.image_classifier import ImageClassifier


class VideoFrameHandler(ImageClassifier):
    image_processing = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor()])

    def preprocess(self, data):
        frames = []
        for row in data:
            url = row.get("data").decode()
            workdir = tempfile.mkdtemp()
            subprocess.run(f"ffmpeg -loglevel error -i {url} -vf fps=1 {workdir}/frame_%03d.jpg", shell=True, check=True)
            for name in sorted(os.listdir(workdir))[:8]:
                frames.append(self.image_processing(Image.open(os.path.join(workdir, name)).convert("RGB")))
        return torch.stack(frames)
`;

const docHandler = `"""Handler that classifies scanned spec sheets stored on the shared volume."""
import os

import torch
from ts.torch_handler.base_handler import BaseHandler

SPEC_ROOT = "/mnt/spec-sheets"


class SpecSheetHandler(BaseHandler):
    def preprocess(self, data):
        pages = []
        for row in data:
            name = row.get("body")["file"]
            with open(os.path.join(SPEC_ROOT, name), "rb") as fh:
                pages.append(fh.read())
        return pages

    def inference(self, pages):
        scores = [self.model(torch.frombuffer(bytearray(p), dtype=torch.uint8).float()) for p in pages]
        return [s.argmax().item() for s in scores]
`;

const torchserveHandlers: DemoRepo = {
  name: "torchserve-handlers",
  team: "vision",
  commits: [
    {
      day: 2.6,
      author: M,
      message: "Custom handlers for description quality and video frames",
      files: {
        "handlers/description_quality.py": textHandler,
        "handlers/video_frames.py": videoHandler,
        "README.md": "# torchserve-handlers\n\nCustom TorchServe handlers shared by the vision team's models.\n",
      },
    },
    {
      day: 10.5,
      author: M,
      message: "Batch jobs send JSON too: stop unpickling request bodies",
      edits: {
        "handlers/description_quality.py": [
          ["import json\nimport pickle\n", "import json\n"],
          [
            "            # Batch jobs send pickled lists of descriptions; the web app sends JSON.\n            payload = pickle.loads(body) if isinstance(body, (bytes, bytearray)) else json.loads(body)\n",
            "            payload = json.loads(body)\n",
          ],
        ],
      },
    },
    {
      day: 18.5,
      author: L,
      message: "Call ffmpeg with an argument list (no shell), only for https URLs",
      edits: {
        "handlers/video_frames.py": [
          [
            '            subprocess.run(f"ffmpeg -loglevel error -i {url} -vf fps=1 {workdir}/frame_%03d.jpg", shell=True, check=True)\n',
            '            if not url.startswith("https://"):\n                raise ValueError("only https video URLs are accepted")\n            subprocess.run(["ffmpeg", "-loglevel", "error", "-i", url, "-vf", "fps=1", f"{workdir}/frame_%03d.jpg"], check=True)\n',
          ],
        ],
      },
    },
    { day: 29.4, author: M, message: "Spec sheet classifier handler", files: { "handlers/spec_sheets.py": docHandler } },
    {
      day: 45.5,
      author: M,
      message: "Spec sheets: reject names with path separators",
      edits: {
        "handlers/spec_sheets.py": [
          [
            '            name = row.get("body")["file"]\n            with open(os.path.join(SPEC_ROOT, name), "rb") as fh:\n',
            '            name = os.path.basename(row.get("body")["file"])\n            with open(os.path.join(SPEC_ROOT, name), "rb") as fh:\n',
          ],
        ],
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// 5. ml-platform / fraud-scoring-bento: a BentoML (1.x legacy API) service with bentofile, config and k8s.
// ---------------------------------------------------------------------------------------------------------

const fraudService = `"""Real-time fraud scoring for card payments (gradient-boosted trees behind a BentoML service)."""
import joblib
import numpy as np

import bentoml
from bentoml.io import JSON


class FraudModelRunnable(bentoml.Runnable):
    SUPPORTED_RESOURCES = ("cpu",)
    SUPPORTS_CPU_MULTI_THREADING = True

    def __init__(self):
        model_dir = bentoml.models.get("fraud_gbt:latest").path
        self.model = joblib.load(f"{model_dir}/model.joblib")
        self.threshold = 0.82

    @bentoml.Runnable.method(batchable=True, batch_dim=0)
    def score(self, features: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(features)[:, 1]


fraud_runner = bentoml.Runner(FraudModelRunnable, name="fraud_gbt")
svc = bentoml.Service("fraud-scoring", runners=[fraud_runner])

FEATURES = ["amount", "merchant_risk", "country_mismatch", "velocity_1h", "velocity_24h", "card_age_days"]


@svc.api(input=JSON(), output=JSON())
async def score(payload: dict) -> dict:
    features = np.array([[float(payload[f]) for f in FEATURES]])
    probability = float((await fraud_runner.score.async_run(features))[0])
    return {"fraud_probability": probability, "decision": "review" if probability > 0.82 else "approve"}
`;

const fraudBentofile = `service: "service:svc"
labels:
  owner: ml-platform
  project: fraud-scoring
include:
  - "*"
python:
  packages:
    - scikit-learn
    - lightgbm
    - numpy==1.26.4
    - joblib
docker:
  base_image: python:3.11
  env:
    - BENTOML_CONFIG=/home/bentoml/bento/src/configuration.yaml
`;

const fraudConfig = `api_server:
  workers: 4
  timeout: 10
  http:
    cors:
      enabled: true
      access_control_allow_origins: "*"
      access_control_allow_methods: ["POST"]
runners:
  fraud_gbt:
    batching:
      enabled: true
      max_batch_size: 64
      max_latency_ms: 20
`;

const fraudDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fraud-scoring
  namespace: payments-ml
spec:
  replicas: 3
  selector:
    matchLabels:
      app: fraud-scoring
  template:
    metadata:
      labels:
        app: fraud-scoring
    spec:
      containers:
        - name: bento
          image: registry.acme-ml.example/fraud-scoring:1.8.0
          ports:
            - containerPort: 3000
          securityContext:
            privileged: true
            runAsUser: 0
          env:
            - name: FEATURE_STORE_PASSWORD
              value: "${S3_KEY}"
            - name: BENTOML_PORT
              value: "3000"
`;

const fraudScoring: DemoRepo = {
  name: "fraud-scoring-bento",
  team: "ml-platform",
  commits: [
    {
      day: 3.5,
      author: D,
      message: "Fraud scoring BentoML service, bento build config and k8s deployment",
      files: {
        "service.py": fraudService,
        "bentofile.yaml": fraudBentofile,
        "configuration.yaml": fraudConfig,
        "k8s/deployment.yaml": fraudDeployment,
        "README.md":
          "# fraud-scoring-bento\n\nCard-payment fraud scoring (LightGBM) served with BentoML. `bentoml build && bentoml containerize fraud-scoring`.\n",
      },
    },
    {
      day: 11.4,
      author: D,
      message: "Pin every package in the bento and only include the service sources",
      edits: {
        "bentofile.yaml": [
          ['include:\n  - "*"\n', 'include:\n  - "service.py"\n  - "configuration.yaml"\n'],
          ["    - scikit-learn\n    - lightgbm\n", "    - scikit-learn==1.5.2\n    - lightgbm==4.5.0\n"],
          ["    - joblib\n", "    - joblib==1.4.2\n"],
        ],
      },
    },
    {
      day: 17.6,
      author: S,
      message: "k8s: no privileged container, run as the bentoml user, set resource limits, password from a Secret",
      edits: {
        "k8s/deployment.yaml": [
          [
            "          securityContext:\n            privileged: true\n            runAsUser: 0\n",
            '          securityContext:\n            allowPrivilegeEscalation: false\n            runAsNonRoot: true\n            runAsUser: 1034\n          resources:\n            requests: { cpu: 500m, memory: 1Gi }\n            limits: { cpu: "2", memory: 2Gi }\n',
          ],
          [
            `              value: "${S3_KEY}"\n`,
            "              valueFrom:\n                secretKeyRef: { name: feature-store, key: password }\n",
          ],
        ],
      },
    },
    {
      day: 24.6,
      author: D,
      message: "CORS: only the risk console may call the API from a browser",
      edits: {
        "configuration.yaml": [
          ['access_control_allow_origins: "*"', 'access_control_allow_origins: ["https://risk-console.acme-ml.example"]'],
        ],
      },
    },
    {
      day: 34.5,
      author: D,
      message: "hotfix: partner dashboards on several domains need CORS",
      edits: {
        "configuration.yaml": [
          ['access_control_allow_origins: ["https://risk-console.acme-ml.example"]', 'access_control_allow_origins: "*"'],
        ],
      },
    },
    {
      day: 42.4,
      author: D,
      message: "Nightly retrain hook: reload the model when a new version lands",
      edits: {
        "service.py": [
          [
            'fraud_runner = bentoml.Runner(FraudModelRunnable, name="fraud_gbt")\n',
            'fraud_runner = bentoml.Runner(FraudModelRunnable, name="fraud_gbt")\nshadow_runner = bentoml.Runner(FraudModelRunnable, name="fraud_gbt_shadow")\n',
          ],
          [
            'svc = bentoml.Service("fraud-scoring", runners=[fraud_runner])',
            'svc = bentoml.Service("fraud-scoring", runners=[fraud_runner, shadow_runner])',
          ],
        ],
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// 6. llm-apps / llm-gateway-bento: a BentoML (new SDK) gateway in front of hosted and self-hosted LLMs.
// ---------------------------------------------------------------------------------------------------------

const gatewayService = `"""LLM gateway: one API for product teams in front of OpenAI and the self-hosted models."""
import os
from pathlib import Path

import bentoml
from openai import OpenAI

PROMPTS = Path(__file__).parent / "prompts"

image = bentoml.images.Image(python_version="3.11").python_packages("openai", "tiktoken==0.8.0", "jinja2==3.1.4")


@bentoml.service(
    image=image,
    traffic={"timeout": 60, "concurrency": 32},
    http={"cors": {"enabled": True, "access_control_allow_origins": "*", "access_control_allow_methods": ["POST"]}},
)
class Gateway:
    def __init__(self) -> None:
        self.client = OpenAI(api_key=os.environ.get("OPENAI_API_KEY", "${OPENAI_KEY}"))

    @bentoml.api
    def complete(self, template: str, variables: dict) -> str:
        prompt = open(PROMPTS / template).read().format(**variables)
        out = self.client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], max_tokens=800)
        return out.choices[0].message.content

    @bentoml.api
    def calculate(self, expression: str) -> float:
        # Tool call used by the agent for arithmetic in answers.
        return float(eval(expression))
`;

const gatewayCalc = `"""Safe arithmetic for the agent's calculator tool: numbers and + - * / ** only."""
import ast
import operator

OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg}


def evaluate(expression: str) -> float:
    def walk(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            return OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in OPS:
            return OPS[type(node.op)](walk(node.operand))
        raise ValueError("unsupported expression")

    if len(expression) > 200:
        raise ValueError("expression too long")
    return float(walk(ast.parse(expression, mode="eval").body))
`;

const gatewayBentofile = `service: "service:Gateway"
labels:
  owner: llm-apps
include:
  - "service.py"
  - "calculator.py"
  - "prompts/*.txt"
python:
  requirements_txt: requirements.lock
docker:
  base_image: python:3.11-slim
`;

const llmGateway: DemoRepo = {
  name: "llm-gateway-bento",
  team: "llm-apps",
  commits: [
    {
      day: 4.6,
      author: P,
      message: "LLM gateway on the BentoML 1.3 SDK",
      files: {
        "service.py": gatewayService,
        "bentofile.yaml": gatewayBentofile,
        "prompts/summarise_ticket.txt": "Summarise this support ticket in three bullet points:\n\n{ticket}\n",
        "requirements.lock": "bentoml==1.3.9\nopenai==1.52.0\ntiktoken==0.8.0\njinja2==3.1.4\n",
        "README.md": "# llm-gateway-bento\n\nOne API for product teams in front of OpenAI and our self-hosted models.\n",
      },
    },
    {
      day: 13.4,
      author: P,
      message: "Calculator tool: parse arithmetic with ast instead of eval",
      files: { "calculator.py": gatewayCalc },
      edits: {
        "service.py": [
          ["from openai import OpenAI\n", "from openai import OpenAI\n\nfrom calculator import evaluate\n"],
          [
            "        # Tool call used by the agent for arithmetic in answers.\n        return float(eval(expression))\n",
            "        return evaluate(expression)\n",
          ],
        ],
      },
    },
    {
      day: 20.5,
      author: D,
      message: "Fail fast when OPENAI_API_KEY is missing instead of using the fallback key",
      edits: {
        "service.py": [
          [`OpenAI(api_key=os.environ.get("OPENAI_API_KEY", "${OPENAI_KEY}"))`, 'OpenAI(api_key=os.environ["OPENAI_API_KEY"])'],
        ],
      },
    },
    {
      day: 24.4,
      author: P,
      message: "Templates are looked up by name in the prompts directory only",
      edits: {
        "service.py": [
          [
            "        prompt = open(PROMPTS / template).read().format(**variables)\n",
            '        if template not in {p.name for p in PROMPTS.glob("*.txt")}:\n            raise bentoml.exceptions.NotFound(f"unknown template {template!r}")\n        prompt = (PROMPTS / template).read_text().format(**variables)\n',
          ],
        ],
      },
    },
    {
      day: 37.5,
      author: D,
      message: "Load the self-hosted reranker bento from the shared bucket at start-up",
      edits: {
        "service.py": [
          [
            'PROMPTS = Path(__file__).parent / "prompts"\n',
            'PROMPTS = Path(__file__).parent / "prompts"\n\nreranker = bentoml.import_bento(os.environ.get("RERANKER_BENTO", "s3://acme-ml-bentos/reranker/latest.bento"))\n',
          ],
        ],
      },
    },
    {
      day: 52.4,
      author: P,
      message: "Pin openai in the image definition",
      edits: {
        "service.py": [
          [
            '.python_packages("openai", "tiktoken==0.8.0", "jinja2==3.1.4")',
            '.python_packages("openai==1.52.0", "tiktoken==0.8.0", "jinja2==3.1.4")',
          ],
        ],
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// 7. search / recsys-ray-serve: Ray Serve recommendation graph with serve config, KubeRay manifest and scripts.
// ---------------------------------------------------------------------------------------------------------

const recsysServe = `"""Home-feed recommendations: candidate retrieval -> ranking, as a Ray Serve application."""
import pickle

import numpy as np
from ray import serve
from starlette.requests import Request


@serve.deployment(num_replicas=2)
class CandidateRetriever:
    def __init__(self, index_path: str = "/models/ann_index.pkl"):
        with open(index_path, "rb") as fh:
            self.index = pickle.load(fh)

    def retrieve(self, user_vector: list[float], k: int = 200) -> list[int]:
        return self.index.query(np.asarray(user_vector, dtype=np.float32), k=k)


@serve.deployment(
    ray_actor_options={"num_cpus": 2, "memory": 4 * 1024**3},
    autoscaling_config={"min_replicas": 2, "max_replicas": 500, "upscale_delay_s": 1, "downscale_delay_s": 5},
)
class Ranker:
    def __init__(self, retriever):
        import onnxruntime as ort

        self.retriever = retriever
        self.session = ort.InferenceSession("/models/ranker.onnx", providers=["CPUExecutionProvider"])

    async def __call__(self, request: Request):
        try:
            body = await request.json()
            candidates = await self.retriever.retrieve.remote(body["user_vector"])
            scores = self.session.run(None, {"candidates": np.asarray(candidates, dtype=np.int64)[None, :]})[0]
            order = np.argsort(-scores[0])[: body.get("limit", 50)]
            return {"items": [int(candidates[i]) for i in order]}
        except Exception as err:
            return {"error": str(err)}


app = Ranker.bind(CandidateRetriever.bind())
`;

const recsysConfig = `proxy_location: EveryNode
http_options:
  host: 0.0.0.0
  port: 8000
applications:
  - name: home-feed
    route_prefix: /recommend
    import_path: serving.app:app
    runtime_env:
      pip: ["onnxruntime==1.19.2", "numpy==1.26.4"]
    deployments:
      - name: Ranker
        ray_actor_options:
          num_cpus: 2
        autoscaling_config:
          min_replicas: 2
          max_replicas: 40
`;

const recsysRayService = `apiVersion: ray.io/v1
kind: RayService
metadata:
  name: home-feed
  namespace: search
spec:
  serveConfigV2: |
    applications:
      - name: home-feed
        import_path: serving.app:app
  rayClusterConfig:
    rayVersion: "2.37.0"
    headGroupSpec:
      rayStartParams:
        dashboard-host: 0.0.0.0
      template:
        spec:
          containers:
            - name: ray-head
              image: registry.acme-ml.example/recsys-serve:2024.10.1
              resources:
                limits: { cpu: "4", memory: 16Gi }
    workerGroupSpecs:
      - groupName: cpu
        replicas: 4
        minReplicas: 2
        maxReplicas: 20
        rayStartParams: {}
        template:
          spec:
            containers:
              - name: ray-worker
                image: registry.acme-ml.example/recsys-serve:2024.10.1
                resources:
                  limits: { cpu: "8", memory: 32Gi }
`;

const recsysStart = `#!/usr/bin/env bash
# Local development: a single-node Ray cluster with the home-feed app.
set -euo pipefail
ray start --head --num-cpus 8
serve start --http-host 0.0.0.0 --http-port 8000
serve deploy config/serve_config.yaml
`;

const recsysServing: DemoRepo = {
  name: "recsys-ray-serve",
  team: "search",
  commits: [
    {
      day: 2.4,
      author: Y,
      message: "Home-feed recommendation graph on Ray Serve",
      files: {
        "serving/app.py": recsysServe,
        "config/serve_config.yaml": recsysConfig,
        "k8s/rayservice.yaml": recsysRayService,
        "scripts/dev_up.sh": recsysStart,
        "README.md": "# recsys-ray-serve\n\nHome-feed recommendations (ANN retrieval + ONNX ranker) served with Ray Serve on KubeRay.\n",
      },
    },
    {
      day: 14.5,
      author: Y,
      message: "Load the ANN index with faiss instead of unpickling it",
      edits: {
        "serving/app.py": [
          ["import pickle\n\nimport numpy as np\n", "import faiss\nimport numpy as np\n"],
          [
            '    def __init__(self, index_path: str = "/models/ann_index.pkl"):\n        with open(index_path, "rb") as fh:\n            self.index = pickle.load(fh)\n',
            '    def __init__(self, index_path: str = "/models/ann_index.faiss"):\n        self.index = faiss.read_index(index_path)\n',
          ],
          [
            "        return self.index.query(np.asarray(user_vector, dtype=np.float32), k=k)\n",
            "        _, ids = self.index.search(np.asarray([user_vector], dtype=np.float32), k)\n        return ids[0].tolist()\n",
          ],
        ],
      },
    },
    {
      day: 21.4,
      author: L,
      message: "Autoscaling: cap the ranker at 40 replicas and stop flapping",
      edits: {
        "serving/app.py": [
          [
            'autoscaling_config={"min_replicas": 2, "max_replicas": 500, "upscale_delay_s": 1, "downscale_delay_s": 5},',
            'autoscaling_config={"min_replicas": 2, "max_replicas": 40, "upscale_delay_s": 30, "downscale_delay_s": 600},',
          ],
        ],
      },
    },
    {
      day: 30.6,
      author: Y,
      message: "Do not return exception text to clients",
      edits: {
        "serving/app.py": [
          [
            "from starlette.requests import Request\n",
            'import logging\n\nfrom starlette.requests import Request\nfrom starlette.responses import JSONResponse\n\nlogger = logging.getLogger("ray.serve")\n',
          ],
          [
            '        except Exception as err:\n            return {"error": str(err)}\n',
            '        except Exception:\n            logger.exception("ranking failed")\n            return JSONResponse({"error": "internal error"}, status_code=500)\n',
          ],
        ],
      },
    },
    {
      day: 43.5,
      author: Y,
      message: "Roll back to the pickled index: the faiss build OOMs on the new catalogue",
      edits: {
        "serving/app.py": [
          ["import faiss\nimport numpy as np\n", "import pickle\n\nimport numpy as np\n"],
          [
            '    def __init__(self, index_path: str = "/models/ann_index.faiss"):\n        self.index = faiss.read_index(index_path)\n',
            '    def __init__(self, index_path: str = "/models/ann_index.pkl"):\n        with open(index_path, "rb") as fh:\n            self.index = pickle.load(fh)\n',
          ],
          [
            "        _, ids = self.index.search(np.asarray([user_vector], dtype=np.float32), k)\n        return ids[0].tolist()\n",
            "        return self.index.query(np.asarray(user_vector, dtype=np.float32), k=k)\n",
          ],
        ],
      },
    },
    {
      day: 50.5,
      author: L,
      message: "Give the retriever replicas explicit CPU and memory",
      edits: {
        "serving/app.py": [
          [
            "@serve.deployment(num_replicas=2)\nclass CandidateRetriever:",
            '@serve.deployment(num_replicas=2, ray_actor_options={"num_cpus": 1, "memory": 8 * 1024**3})\nclass CandidateRetriever:',
          ],
        ],
      },
    },
    {
      day: 52.4,
      author: Y,
      message: "Tell Posture what is not service code",
      files: {
        ".posture.yaml": `exclude:
  - path: vendor
    reason: vendored faiss build scripts, reviewed upstream
contexts:
  - path: scripts/**
    context: build
disable:
  - check: ray-serve.deployment.missing-resource-limits
    paths: [serving/experimental/**]
    reason: prototypes run on a developer's own single-node cluster
`,
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// 8. ml-platform / llm-finetune-monitor: fine-tuning jobs and the small dashboard that watches them.
// ---------------------------------------------------------------------------------------------------------

const finetuneLaunch = `#!/usr/bin/env bash
# Launches a LoRA fine-tuning run on the shared GPU pool.
set -euo pipefail
export WANDB_API_KEY=${WANDB_KEY}
export WANDB_PROJECT=support-assistant-ft
RUN_NAME=\${1:-"lora-$(date +%Y%m%d-%H%M)"}
torchrun --nproc_per_node=4 train.py --config configs/lora_mistral.yaml --run-name "$RUN_NAME"
`;

const finetuneTrain = `"""LoRA fine-tuning of the support assistant model on curated ticket transcripts."""
import argparse
import os

import torch
import yaml
from datasets import load_dataset
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

os.environ["HF_TOKEN"] = "${HF_FINETUNE}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--run-name", required=True)
    args = parser.parse_args()
    cfg = yaml.safe_load(open(args.config))

    tokenizer = AutoTokenizer.from_pretrained(cfg["base_model"])
    model = AutoModelForCausalLM.from_pretrained(cfg["base_model"], torch_dtype=torch.bfloat16)
    model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    data = load_dataset("json", data_files=cfg["train_file"])["train"].map(lambda row: tokenizer(row["text"], truncation=True, max_length=2048))

    trainer = Trainer(model=model, args=TrainingArguments(output_dir=f"/checkpoints/{args.run_name}", bf16=True, report_to=["wandb"], **cfg["training"]), train_dataset=data)
    trainer.train()
    os.system(f"aws s3 sync /checkpoints/{args.run_name} s3://acme-ml-checkpoints/{args.run_name}")


if __name__ == "__main__":
    main()
`;

const finetuneDockerfile = `FROM nvcr.io/nvidia/pytorch:24.08-py3
WORKDIR /workspace
ENV AWS_DEFAULT_REGION=eu-west-1
ENV AWS_SECRET_ACCESS_KEY=${AWS_SECRET}
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENTRYPOINT ["bash", "launch.sh"]
`;

const finetuneMonitor = `"""Tiny dashboard the team uses to follow fine-tuning runs: loss curves and checkpoint downloads."""
import json
import os

from flask import Flask, abort, request, send_file

CHECKPOINTS = "/checkpoints"
app = Flask(__name__)


@app.get("/runs")
def runs():
    return sorted(os.listdir(CHECKPOINTS))


@app.get("/runs/<run>/metrics")
def metrics(run: str):
    path = os.path.join(CHECKPOINTS, os.path.basename(run), "trainer_state.json")
    if not os.path.exists(path):
        abort(404)
    with open(path) as fh:
        return json.load(fh)["log_history"]


@app.get("/download")
def download():
    return send_file(os.path.join(CHECKPOINTS, request.args["file"]))
`;

const finetuneJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: lora-support-assistant
  namespace: ml-training
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: trainer
          image: registry.acme-ml.example/llm-finetune:0.9.2
          args: ["lora-nightly"]
          env:
            - name: WANDB_API_KEY
              valueFrom:
                secretKeyRef: { name: wandb, key: api-key }
          resources:
            limits: { nvidia.com/gpu: 4, memory: 160Gi }
`;

const finetuneTestFixture = `"""Checkpoint downloads must never leave the checkpoint root."""
import pytest

from monitor import app

# Relative to the test's working directory in CI (/workspace/tests): the host's /etc/hostname.
TARGET = "../../../etc/hostname"


@pytest.fixture
def client():
    return app.test_client()


def test_download_refuses_parent_directories(client):
    # The target must exist, or a 404 would prove nothing.
    with open("../../../etc/hostname") as fh:
        assert fh.read().strip()
    assert client.get("/download", query_string={"file": TARGET}).status_code == 404
`;

const finetuneMonitorRepo: DemoRepo = {
  name: "llm-finetune-monitor",
  team: "ml-platform",
  commits: [
    {
      day: 1.3,
      author: L,
      message: "LoRA fine-tuning job, launcher and image",
      files: {
        "launch.sh": finetuneLaunch,
        "train.py": finetuneTrain,
        Dockerfile: finetuneDockerfile,
        "requirements.txt": "torch==2.4.1\ntransformers==4.45.2\npeft==0.13.2\ndatasets==3.0.1\nwandb==0.18.3\npyyaml==6.0.2\n",
        "README.md": "# llm-finetune-monitor\n\nLoRA fine-tuning jobs for the support assistant and the dashboard that follows them.\n",
      },
    },
    {
      day: 5.6,
      author: L,
      message: "Training dashboard: runs, metrics and checkpoint downloads",
      files: { "monitor.py": finetuneMonitor, "tests/test_monitor.py": finetuneTestFixture },
    },
    {
      day: 7.4,
      author: S,
      message: "Remove the AWS secret from the image; the job uses its IAM role",
      edits: { Dockerfile: [[`ENV AWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n`, ""]] },
    },
    {
      day: 16.6,
      author: L,
      message: "Sync checkpoints with an argument list",
      edits: {
        "train.py": [
          ["import argparse\nimport os\n", "import argparse\nimport os\nimport subprocess\n"],
          [
            '    os.system(f"aws s3 sync /checkpoints/{args.run_name} s3://acme-ml-checkpoints/{args.run_name}")\n',
            '    subprocess.run(["aws", "s3", "sync", f"/checkpoints/{args.run_name}", f"s3://acme-ml-checkpoints/{args.run_name}"], check=True)\n',
          ],
        ],
      },
    },
    { day: 23.5, author: L, message: "Kubernetes job for the nightly LoRA run", files: { "k8s/job.yaml": finetuneJob } },
    {
      day: 26.4,
      author: D,
      message: "Local env for running the launcher on the workstation",
      files: { ".env": `WANDB_PROJECT=support-assistant-ft\nHF_TOKEN=${HF_FINETUNE}\n` },
    },
    {
      day: 28.6,
      author: S,
      message: "Remove .env (credentials belong in the secret store)",
      files: { ".env": null, ".gitignore": ".env\n__pycache__/\n" },
    },
    {
      day: 31.5,
      author: L,
      message: "Launcher reads the W&B key from the environment; HF token from the job secret",
      edits: {
        "launch.sh": [[`export WANDB_API_KEY=${WANDB_KEY}\n`, ': "${WANDB_API_KEY:?set WANDB_API_KEY (see README)}"\n']],
        "train.py": [[`os.environ["HF_TOKEN"] = "${HF_FINETUNE}"\n\n\n`, "\n"]],
      },
    },
    {
      day: 38.5,
      author: L,
      message: "Downloads: serve only files inside the checkpoint root",
      edits: {
        "monitor.py": [
          [
            '    return send_file(os.path.join(CHECKPOINTS, request.args["file"]))\n',
            '    root = os.path.realpath(CHECKPOINTS)\n    target = os.path.realpath(os.path.join(root, os.path.basename(request.args.get("file", ""))))\n    if not target.startswith(root + os.sep) or not os.path.isfile(target):\n        abort(404)\n    return send_file(target)\n',
          ],
        ],
      },
    },
    {
      day: 53.5,
      author: D,
      message: "Evaluate checkpoints with lm-eval after each run",
      edits: {
        "train.py": [
          [
            '    subprocess.run(["aws", "s3", "sync", f"/checkpoints/{args.run_name}", f"s3://acme-ml-checkpoints/{args.run_name}"], check=True)\n',
            '    subprocess.run(["aws", "s3", "sync", f"/checkpoints/{args.run_name}", f"s3://acme-ml-checkpoints/{args.run_name}"], check=True)\n    subprocess.run(f"lm_eval --model hf --model_args pretrained=/checkpoints/{args.run_name} --tasks {cfg[\'eval_tasks\']}", shell=True, check=True)\n',
          ],
        ],
      },
    },
  ],
};

export const DEMO_REPOS: readonly DemoRepo[] = [
  supportAssistant,
  catalogEmbeddings,
  productClassifier,
  torchserveHandlers,
  fraudScoring,
  llmGateway,
  recsysServing,
  finetuneMonitorRepo,
];

/** What the security team did along the way. */
export const DEMO_TRIAGE: readonly DemoTriage[] = [
  {
    day: 4.7,
    by: "lead",
    repo: "product-image-classifier",
    check: "torchserve.management.public-bind",
    assign: "vision",
    comment: "Management API on 0.0.0.0 lets anyone on the cluster network register models. Please bind it to localhost this sprint.",
  },
  {
    day: 5.5,
    by: "lead",
    repo: "support-assistant-llm",
    check: "modal.function.trust-remote-code",
    assign: "engineer",
    comment: "trust_remote_code=True runs whatever Python the model repo ships. Mistral does not need it.",
  },
  {
    day: 6.4,
    by: "lead",
    repo: "torchserve-handlers",
    check: "torchserve.handler.request-deserialization",
    assign: "vision",
    status: "in_progress",
    comment: "Unpickling request bodies is remote code execution for anyone who can reach the inference port.",
  },
  {
    day: 9.5,
    by: "engineer",
    repo: "support-assistant-llm",
    check: "modal.function.trust-remote-code",
    status: "in_progress",
    comment: "Checking whether the tokenizer still loads without it.",
  },
  {
    day: 12.6,
    by: "lead",
    repo: "llm-finetune-monitor",
    check: "training-monitor.path.dotdot-literal",
    path: "tests/test_monitor.py",
    status: "false_positive",
    reason: "Test fixture: the ../ paths are the attack the test proves is rejected; the file never ships in the image.",
  },
  {
    day: 13.5,
    by: "lead",
    repo: "recsys-ray-serve",
    check: "ray-serve.config.public-bind",
    status: "accepted_risk",
    acceptedForDays: 45,
    reason:
      "The Serve proxy only listens inside the search namespace; a NetworkPolicy admits the feed API pods only. Revisit when the ingress moves to the mesh.",
  },
  {
    day: 18.6,
    by: "lead",
    repo: "fraud-scoring-bento",
    check: "bentoml.runner.pickle-deserialization",
    assign: "engineer",
    comment: "joblib.load unpickles whatever is in the model store. Can we export the model to ONNX or LightGBM's text format?",
  },
  {
    day: 22.4,
    by: "search",
    repo: "catalog-embeddings",
    check: "modal.image.copies-whole-project",
    status: "in_progress",
    comment: "Moving to add_local_dir with an ignore list.",
  },
  {
    day: 27.3,
    by: "lead",
    repo: "llm-gateway-bento",
    check: "bentoml.api.cors-allow-all-origins",
    assign: "engineer",
    comment: "Only the docs site and the support console call this from a browser.",
  },
  {
    day: 30.5,
    by: "lead",
    repo: "llm-finetune-monitor",
    check: "training-monitor.path.request-data",
    assign: "engineer",
    comment: "send_file with a user-supplied name lets anyone download /etc/passwd from the training node.",
  },
  {
    day: 31.4,
    by: "lead",
    repo: "torchserve-handlers",
    check: "torchserve.handler.request-path-traversal",
    assign: "vision",
    comment:
      "The file name comes straight from the request body, so ../../etc/passwd reads outside SPEC_ROOT. Keep only the base name, or resolve the path and check it stays under SPEC_ROOT.",
  },
  {
    day: 35.4,
    by: "lead",
    repo: "fraud-scoring-bento",
    check: "bentoml.config.cors-allow-all-origins",
    assign: "engineer",
    comment: "This came back with the partner hotfix. Can we list the partner domains instead of *?",
  },
  {
    day: 36.5,
    by: "engineer",
    repo: "fraud-scoring-bento",
    check: "bentoml.config.cors-allow-all-origins",
    status: "in_progress",
    comment: "Collecting the partner domains from account management.",
  },
  // Issue 16 §2: a critical finding's acceptance asked for by an engineer waits for the lead's approval.
  {
    day: 38.2,
    by: "engineer",
    repo: "support-assistant-llm",
    check: "modal.function.trust-remote-code",
    status: "accepted_risk",
    acceptedForDays: 30,
    reason: "The tokenizer still needs the custom code until the v0.3 release; the model repo is pinned to a reviewed commit.",
  },
  {
    day: 44.6,
    by: "lead",
    repo: "recsys-ray-serve",
    check: "ray-serve.deployment.pickle-model-load",
    assign: "search",
    comment: "The pickled index is back (rollback on the 43rd day). Let's get faiss memory sorted and remove pickle again.",
  },
];
