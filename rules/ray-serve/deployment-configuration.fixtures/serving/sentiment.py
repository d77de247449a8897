"""Sentiment service: the hardened deployment."""
import io
import os
import pickle

import numpy as np
import torch
from ray import serve
from ray.serve.config import HTTPOptions

MAX_BODY = 4 * 1024 * 1024


# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment(
    num_replicas=2,
    max_ongoing_requests=32,
    ray_actor_options={"num_cpus": 2, "num_gpus": 0.25, "memory": 3 * 1024**3},
    health_check_period_s=15,
)
class SentimentModel:
    def __init__(self):
        path = os.environ["SENTIMENT_MODEL"]
        self.model = torch.jit.load(path)
        self.model.eval()

    def restore_state(self, blob: bytes):
        # in-memory bytes, not a model artifact: covered by the serialization policy instead
        # ok: ray-serve.deployment.pickle-model-load
        self.state = pickle.load(io.BytesIO(blob))

    async def __call__(self, request):
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return {"error": "payload too large"}, 413
        features = torch.from_numpy(np.frombuffer(raw, dtype=np.float32))
        with torch.no_grad():
            # ok: ray-serve.request.unbounded-payload
            scores = self.model(features)
        return {"scores": scores.tolist()}


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment(max_concurrent_queries=64)
class LegacyLimited:
    async def __call__(self, request):
        payload = await request.json()
        if not isinstance(payload, dict) or "text" not in payload:
            raise ValueError("expected an object with a 'text' field")
        # ok: ray-serve.request.unbounded-payload
        return self.model(payload)


SHARED_OPTIONS = {"ray_actor_options": {"num_cpus": 1}, "max_ongoing_requests": 8}


# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="tokenizer", **SHARED_OPTIONS)
class Tokenizer:
    def __call__(self, text: str):
        return text.split()


# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Reranker:
    async def __call__(self, request):
        body = await request.json()
        # ok: ray-serve.request.unbounded-payload
        return self.model.rank(self.pre(body))


# limits applied where the graph is built
reranker = Reranker.options(ray_actor_options={"num_cpus": 1}, max_ongoing_requests=16).bind()

serve.start(
    http_options=HTTPOptions(
        # ok: ray-serve.http.public-bind
        host="127.0.0.1",
        port=8000,
        request_timeout_s=30,
    )
)
# ok: ray-serve.http.public-bind
serve.start(http_options={"host": "127.0.0.1", "port": 8000})
serve.run(SentimentModel.bind(), route_prefix="/sentiment")
