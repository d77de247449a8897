"""Public FastAPI front end that relays to TorchServe."""
import enum
from typing import Literal

import httpx
import requests
from fastapi import FastAPI, HTTPException, Request

app = FastAPI()
SERVE = "http://torchserve:8080"
PUBLIC_MODELS = {"resnet18", "bert-sentiment"}


class ModelName(str, enum.Enum):
    resnet = "resnet18"
    bert = "bert-sentiment"


@app.post("/predict/{model}")
async def predict(model: str, data: bytes):
    # ruleid: torchserve.inference.unvalidated-model-name
    return httpx.post(f"{SERVE}/predictions/{model}", content=data)


@app.post("/v2/{model}")
async def predict_v2(model: str, request: Request):
    body = await request.json()
    async with httpx.AsyncClient(timeout=30) as client:
        # ruleid: torchserve.inference.unvalidated-model-name
        resp = await client.post(f"{SERVE}/v2/models/{model}/infer", json=body)
    return resp.json()


@app.post("/checked/{model}")
async def predict_checked(model: str, data: bytes):
    if model not in PUBLIC_MODELS:
        raise HTTPException(404)
    # ok: torchserve.inference.unvalidated-model-name
    return httpx.post(f"{SERVE}/predictions/{model}", content=data, timeout=30).json()


@app.post("/typed/{model}")
async def predict_typed(model: ModelName, data: bytes):
    # ok: torchserve.inference.unvalidated-model-name
    return httpx.post(f"{SERVE}/predictions/{model.value}", content=data, timeout=30).json()


@app.post("/literal/{model}")
async def predict_literal(model: Literal["resnet18", "bert-sentiment"], data: bytes):
    # ok: torchserve.inference.unvalidated-model-name
    return httpx.post(f"{SERVE}/predictions/{model}", content=data, timeout=30).json()


@app.post("/resnet")
def resnet(payload: bytes):
    # ruleid: torchserve.inference.request-without-timeout
    r = requests.post(f"{SERVE}/predictions/resnet18", data=payload)
    return r.json()


@app.post("/resnet-bounded")
def resnet_bounded(payload: bytes):
    # ok: torchserve.inference.request-without-timeout
    r = requests.post(f"{SERVE}/predictions/resnet18", data=payload, timeout=(3, 30))
    return r.json()


@app.get("/health")
def health():
    # ruleid: torchserve.inference.request-without-timeout
    return {"ok": httpx.get("http://torchserve:8080/ping", timeout=None).status_code == 200}


@app.get("/health-default")
def health_default():
    # httpx applies its own default timeout
    # ok: torchserve.inference.request-without-timeout
    return {"ok": httpx.get("http://torchserve:8080/ping").status_code == 200}


def warmup():
    """Run once at start-up from the operator's shell, not per request."""
    # ok: torchserve.inference.request-without-timeout
    requests.post(f"{SERVE}/predictions/resnet18", data=b"\x00")
