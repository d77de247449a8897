"""Older deployments that pass Python objects around."""
import io
import pickle
import cloudpickle as cp
from dill import loads as dill_decode
from pickle import loads

import ray
from ray import serve


@serve.deployment
class PickledGateway:
    async def __call__(self, request):
        blob = await request.body()
        # ruleid: ray-serve.serialization.pickle-loads
        obj = pickle.loads(blob)
        # ruleid: ray-serve.serialization.pickle-loads
        extra = cp.loads(request.headers["x-extra"].encode("latin-1"))
        # ruleid: ray-serve.serialization.pickle-loads
        ctx = dill_decode(blob)
        # ruleid: ray-serve.serialization.pickle-loads
        state = loads(blob)
        # ruleid: ray-serve.serialization.pickle-loads
        cfg = pickle.load(io.BytesIO(blob))
        # ruleid: ray-serve.serialization.pickle-loads
        frame = ray.cloudpickle.loads(
            blob
        )
        return self.model(obj, extra, ctx, state, cfg, frame)


@serve.deployment(ray_actor_options={"num_cpus": 1})
class ExpressionService:
    async def __call__(self, request):
        params = await request.json()
        # ruleid: ray-serve.serialization.eval-exec
        value = eval(params["expr"])
        # ruleid: ray-serve.serialization.eval-exec
        exec(f"result = {params['stmt']}", {})
        return value


ALLOWED_FORMULAS = {"x + 1", "x * 2"}


@serve.deployment(ray_actor_options={"num_cpus": 1})
class FormulaService:
    def __init__(self, formula: str):
        self.formula = formula

    async def __call__(self, request):
        params = await request.json()
        # the developer's own formula, given at .bind() time, not the caller's
        # ok: ray-serve.serialization.eval-exec
        base = eval(self.formula, {"x": 1})
        chosen = params["formula"]
        if chosen not in ALLOWED_FORMULAS:
            raise ValueError("unknown formula")
        # ok: ray-serve.serialization.eval-exec
        picked = eval(chosen, {"x": base})
        expr = "(" + params.get("extra", "0") + ")"
        # ruleid: ray-serve.serialization.eval-exec
        return picked + eval(expr, {})


@serve.deployment
class NoSchema:
    async def __call__(self, request):
        payload = await request.json()
        # ruleid: ray-serve.serialization.untyped-request
        return self.model(payload)


@serve.deployment
class Generator:
    async def __call__(self, req):
        prompt = await req.json()
        # ruleid: ray-serve.serialization.untyped-request
        out = await self.engine.generate(**prompt)
        return out

    async def classify(self, req):
        # ruleid: ray-serve.serialization.untyped-request
        return self.classifier.predict(await req.json())


@ray.remote
class FeatureCache:
    def put(self, key, blob: bytes):
        # ruleid: ray-serve.serialization.pickle-loads
        self.items[key] = pickle.loads(blob)
