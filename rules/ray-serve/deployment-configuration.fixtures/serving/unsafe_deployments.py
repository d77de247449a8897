"""Deployments written in a hurry."""
import pickle
import pickle as pkl
import dill as serializer
import joblib
from joblib import load as load_estimator
from pickle import load

import pandas as pd
import torch
from ray import serve
from ray.serve.config import HTTPOptions
from ray.serve import deployment
from transformers import AutoModel


# holds no model: Ray's default reservation (1 CPU) and max_ongoing_requests default bound a handler like this
# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Unbounded:
    def __call__(self, request):
        return "ok"


# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="echo", num_replicas=4, health_check_period_s=10)
def echo(request):
    return request.query_params


# the weights are the replica's memory: nothing reserves it
# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="embedder", num_replicas=2)
def embed(request):
    model = torch.jit.load("/models/embedder.pt")
    return model(request.query_params["q"])


# ruleid: ray-serve.deployment.missing-resource-limits
@deployment(num_replicas=2)
class ImportedDecorator:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment
class FraudModel:
    def __init__(self, path="/models/fraud.pkl"):
        with open(path, "rb") as fh:
            # ruleid: ray-serve.deployment.pickle-model-load
            self.model = pickle.load(fh)
        # ruleid: ray-serve.deployment.pickle-model-load
        self.scaler = joblib.load("/models/scaler.joblib")
        # ruleid: ray-serve.deployment.pickle-model-load
        self.encoder = pkl.load(open("/models/encoder.pkl", "rb"))
        # ruleid: ray-serve.deployment.pickle-model-load
        self.vocab = serializer.load(open("/models/vocab.dill", "rb"))
        # ruleid: ray-serve.deployment.pickle-model-load
        self.tree = load_estimator("/models/tree.joblib")
        # ruleid: ray-serve.deployment.pickle-model-load
        self.lookup = load(open("/models/lookup.pkl", "rb"))
        # ruleid: ray-serve.deployment.pickle-model-load
        self.table = pd.read_pickle("/models/table.pkl")

    async def __call__(self, request):
        features = await request.json()
        # ruleid: ray-serve.request.unbounded-payload
        return self.model.predict(features)


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Summarizer:
    async def __call__(self, req):
        body = await req.json()
        # ruleid: ray-serve.request.unbounded-payload
        summary = await self.llm.generate(
            **body
        )
        return {"summary": summary}


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment()
class Forwarder:
    async def __call__(self, request):
        payload = await request.json()
        # ruleid: ray-serve.request.unbounded-payload
        return self.pipeline(payload)


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Inline:
    async def __call__(self, request):
        # ruleid: ray-serve.request.unbounded-payload
        return self.model(await request.json())


def load_reference_table(path):
    """Module-level helper used by an offline job, outside any deployment."""
    with open(path, "rb") as fh:
        # ok: ray-serve.deployment.pickle-model-load
        return pickle.load(fh)


serve_options = {
    "http_options": HTTPOptions(
        # ruleid: ray-serve.http.public-bind
        host="0.0.0.0",
        port=8000,
    ),
}
# ruleid: ray-serve.http.public-bind
serve.start(http_options={"port": 8000, "host": "0.0.0.0"})
# ruleid: ray-serve.http.public-bind
serve.start(detached=True, http_host="0.0.0.0")
# ruleid: ray-serve.http.public-bind
ipv6 = HTTPOptions(port=8000, host="::")


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment
class BatchEmbedder:
    async def __call__(self, request):
        data = await request.json()
        texts = data["inputs"]
        batch = [t.strip() for t in texts]
        # any number of texts, each of any length: one key and two assignments away from the body
        # ruleid: ray-serve.request.unbounded-payload
        return self.model.encode(batch)

    async def score(self, request):
        payload = await request.json()
        # the model call is in a helper method: reported where the payload is handed to it
        # ruleid: ray-serve.request.unbounded-payload
        return self._run(payload["pairs"])

    def _run(self, pairs):
        return self.model.predict(pairs)

    async def bounded(self, request):
        payload = await request.json()
        texts = payload["inputs"]
        if len(texts) > 32:
            raise ValueError("at most 32 texts")
        # ok: ray-serve.request.unbounded-payload
        return self.model.encode(texts)


@serve.deployment(ray_actor_options={"num_gpus": 1, "memory": 8 * 1024**3})
class TextEmbedding:
    def __init__(self):
        self.model = SentenceTransformer("BAAI/bge-small-en")

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(texts).tolist()

    async def __call__(self, req):
        body = await req.json()
        # the deployment's own method named for the inference it runs: every text of the request, however many
        # ruleid: ray-serve.request.unbounded-payload
        return self.embed(body["texts"])
