import json
import os

import bentoml
import numpy as np
from bentoml.io import JSON, Multipart, NumpyNdarray, Text
from pydantic import BaseModel, Field

REPORT_DIR = "/srv/reports"

scorer = bentoml.sklearn.get("churn_scorer:latest").to_runner()
svc = bentoml.Service("churn_service", runners=[scorer])


class ScoreRequest(BaseModel):
    features: list[float] = Field(..., min_length=1, max_length=512)


@svc.api(
    # ok: bentoml.service.unvalidated-json-input
    input=JSON(pydantic_model=ScoreRequest),
    output=JSON(),
    route="/v1/score",
)
async def score(req: ScoreRequest) -> dict:
    arr = np.asarray(req.features, dtype=np.float32)
    return {"score": float((await scorer.predict.async_run(arr[None, :]))[0])}


# ok: bentoml.service.unvalidated-json-input
@svc.api(input=JSON(), output=JSON(), route="/healthz")
async def healthz():
    return {"ok": True}


# ruleid: bentoml.service.unvalidated-json-input
@svc.api(input=JSON(), output=JSON())
async def score_raw(payload: dict):
    return await scorer.predict.async_run(payload)


# ruleid: bentoml.service.unvalidated-json-input
@svc.api(input=JSON(), output=JSON())
def run_formula(payload: dict):
    expr = payload["formula"]
    # ruleid: bentoml.service.eval-request-data
    return {"value": eval(expr, {"np": np})}


@svc.api(input=Text(), output=Text())
def run_snippet(source: str) -> str:
    scope: dict = {}
    # ruleid: bentoml.service.eval-request-data
    exec(
        f"result = {source}",
        scope,
    )
    # ok: bentoml.service.eval-request-data
    eval("1 + 1")
    return str(scope["result"])


# ruleid: bentoml.service.unvalidated-json-input
@svc.api(input=JSON(), output=Text())
def download_report(request_body: dict) -> str:
    name = request_body.get("report")
    # ruleid: bentoml.service.path-from-request
    with open(name) as fh:
        return fh.read()


@svc.api(input=Text(), output=Text())
def read_log(log_name: str) -> str:
    # ruleid: bentoml.service.path-from-request
    return open(os.path.join(REPORT_DIR, log_name), "r").read()


@svc.api(input=Text(), output=Text())
def read_template(kind: str) -> str:
    # ok: bentoml.service.path-from-request
    with open(os.path.join(REPORT_DIR, "template.txt")) as fh:
        return fh.read().replace("{kind}", kind)


# ok: bentoml.service.unvalidated-json-input
@svc.api(input=JSON(), output=JSON())
def checked(payload: dict):
    ScoreRequest.model_validate(payload)
    return payload


@svc.api(
    # ruleid: bentoml.service.ndarray-input-unbounded
    input=NumpyNdarray(),
    # ok: bentoml.service.ndarray-input-unbounded
    output=NumpyNdarray(),
)
async def batch_score(arr):
    return await scorer.predict.async_run(arr)


# ok: bentoml.service.ndarray-input-unbounded
@svc.api(input=NumpyNdarray(dtype="float32", shape=(-1, 12), enforce_shape=True), output=NumpyNdarray())
async def batch_score_checked(arr):
    return await scorer.predict.async_run(arr)


@svc.api(
    # ruleid: bentoml.service.ndarray-input-unbounded
    input=Multipart(features=NumpyNdarray(dtype="float32"), meta=JSON(pydantic_model=ScoreRequest)),
    output=NumpyNdarray(),
)
async def multi(features, meta):
    return await scorer.predict.async_run(features)


def offline_replay(path: str):
    # Not an API handler: a CLI helper that reads a local file and evaluates a config expression.
    # ok: bentoml.service.path-from-request
    with open(path) as fh:
        data = json.load(fh)
    # ok: bentoml.service.eval-request-data
    return eval(data["expr"])
