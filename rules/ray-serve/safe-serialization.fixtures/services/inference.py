"""Deployments that accept structured data safely."""
import ast
import json

import msgpack
import numpy as np
import torch
from pydantic import BaseModel
from ray import serve


class Features(BaseModel):
    values: list[float]


@serve.deployment(ray_actor_options={"num_cpus": 1}, max_ongoing_requests=16)
class TabularModel:
    def __init__(self, path: str):
        self.model = torch.jit.load(path)

    async def __call__(self, request):
        body = await request.json()
        batch = torch.tensor(np.asarray(body["rows"], dtype=np.float32))
        # ok: ray-serve.serialization.untyped-request
        return self.model(batch).tolist()


@serve.deployment
class SchemaChecked:
    async def __call__(self, request):
        payload = await request.json()
        features = Features.model_validate(payload)
        # ok: ray-serve.serialization.untyped-request
        return self.model.predict(payload)


@serve.deployment
class GuardedModel:
    async def __call__(self, request):
        payload = await request.json()
        if not isinstance(payload, dict):
            return {"error": "expected an object"}, 400
        # ok: ray-serve.serialization.untyped-request
        return self.model(payload)


@serve.deployment
class PackedInput:
    async def __call__(self, request):
        raw = await request.body()
        try:
            # ok: ray-serve.serialization.pickle-loads
            decoded = msgpack.unpackb(raw, raw=False)
        except ValueError:
            return {"error": "bad encoding"}, 400
        # ok: ray-serve.serialization.eval-exec
        literal = ast.literal_eval(decoded.get("threshold", "0.5"))
        # ok: ray-serve.serialization.pickle-loads
        meta = json.loads(decoded.get("meta", "{}"))
        return {"ok": True, "threshold": literal, "meta": meta}


@serve.deployment
class Calculator:
    def __call__(self, request):
        # ok: ray-serve.serialization.eval-exec
        return eval("1 + 1")
