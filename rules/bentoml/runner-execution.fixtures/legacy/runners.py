import pickle as pkl
import shlex
import subprocess
from subprocess import run

import bentoml
import numpy as np
import torch

ranker_ref = bentoml.pytorch.get("ranker:latest")

# ruleid: bentoml.runner.no-batching-limits
ranker = ranker_ref.to_runner()

# ruleid: bentoml.runner.no-batching-limits
embedder = bentoml.transformers.get("embedder:latest").to_runner(name="embedder")

# ok: bentoml.runner.no-batching-limits
scorer = ranker_ref.to_runner(
    name="scorer",
    max_latency_ms=500,
    max_batch_size=16,
)

RUNNER_OPTS = {"max_batch_size": 8, "max_latency_ms": 250}
# ok: bentoml.runner.no-batching-limits
tagger = bentoml.sklearn.get("tagger:latest").to_runner(**RUNNER_OPTS)


class TreeModelRunnable(bentoml.Runnable):
    SUPPORTED_RESOURCES = ("cpu",)
    SUPPORTS_CPU_MULTI_THREADING = True

    def __init__(self):
        import pickle

        with open("/models/trees.pkl", "rb") as fh:
            # ruleid: bentoml.runner.pickle-deserialization
            self.model = pickle.load(fh)
        # ruleid: bentoml.runner.pickle-deserialization
        self.encoder = pkl.loads(open("/models/encoder.bin", "rb").read())

    @bentoml.Runnable.method(batchable=True, batch_dim=0)
    # ruleid: bentoml.runner.method-without-input-checks
    def predict(self, features):
        return self.model.predict(features)


class ScriptedRunnable(bentoml.Runnable):
    SUPPORTED_RESOURCES = ("nvidia.com/gpu", "cpu")
    SUPPORTS_CPU_MULTI_THREADING = True

    def __init__(self):
        # ok: bentoml.runner.pickle-deserialization
        self.model = torch.jit.load("/models/ranker.ts")

    @bentoml.Runnable.method(batchable=True, batch_dim=0)
    # ok: bentoml.runner.method-without-input-checks
    def predict(self, batch: np.ndarray) -> np.ndarray:
        if batch.ndim != 2 or batch.shape[1] != 64:
            raise ValueError("expected an (N, 64) batch")
        with torch.no_grad():
            return self.model(torch.from_numpy(batch)).numpy()

    @bentoml.Runnable.method
    # ok: bentoml.runner.method-without-input-checks
    def warmup(self):
        return self.model(torch.zeros(1, 64))

    @bentoml.Runnable.method(batchable=False)
    # ok: bentoml.runner.method-without-input-checks
    def embed(self, texts: list[str]):
        self._check_batch(texts)
        return self.model.encode(texts)

    def _check_batch(self, texts):
        if len(texts) > 256:
            raise ValueError("too many texts")


class ToolRunnable(bentoml.legacy.Runnable):
    SUPPORTED_RESOURCES = ("cpu",)
    SUPPORTS_CPU_MULTI_THREADING = False

    @bentoml.legacy.Runnable.method()
    # ruleid: bentoml.runner.method-without-input-checks
    def convert(self, filename: str):
        # ruleid: bentoml.runner.shell-command
        out = subprocess.check_output(f"ffmpeg -i {filename} -f wav -", shell=True)
        # ruleid: bentoml.runner.shell-command
        run("sox " + filename + " out.wav", check=True, shell=True)
        # ok: bentoml.runner.shell-command
        run(["sox", filename, "out.wav"], check=True)
        # ok: bentoml.runner.shell-command
        subprocess.run("nvidia-smi -L", shell=True)
        # ok: bentoml.runner.shell-command
        subprocess.run(shlex.split(f"sox {shlex.quote(filename)} out.wav"), shell=False)
        return out


# ok: bentoml.runner.no-batching-limits
tool_runner = bentoml.Runner(ToolRunnable, name="tool", max_batch_size=4)
# ruleid: bentoml.runner.no-batching-limits
tree_runner = bentoml.Runner(TreeModelRunnable)


def export_model(path: str):
    # A training-side helper outside any runner or service.
    # ok: bentoml.runner.pickle-deserialization
    model = pkl.load(open(path, "rb"))
    # ok: bentoml.runner.shell-command
    subprocess.run(f"gsutil cp {path} gs://bucket/", shell=True)
    return model


def build_service():
    # ruleid: bentoml.runner.no-batching-limits
    clf = bentoml.sklearn.get("clf:latest").to_runner()
    return bentoml.Service("clf", runners=[clf])


def test_runner_name():
    # A unit test exercising runner naming, not a served runner.
    # ok: bentoml.runner.no-batching-limits
    assert bentoml.Runner(TreeModelRunnable, name="trees").name == "trees"


def test_duplicate_runner_names():
    # ok: bentoml.runner.no-batching-limits
    first = ranker_ref.to_runner(name="dup")
    second = ranker_ref.to_runner(name="dup")
    bentoml.Service("dup", runners=[first, second])
