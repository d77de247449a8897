"""The routes that take request_models' models: a model counts where an endpoint takes it."""
from typing import Annotated

from fastapi import Body, FastAPI
from pydantic import BaseModel

from .request_models import KeyPressRequest, PredictInput, PredictionRequest, Prompt, TextRequest

app = FastAPI()


@app.post("/predict")
def predict(req: PredictionRequest):
    return {"n": len(req.features)}


@app.post("/embed")
async def embed(req: Annotated[TextRequest, Body()]):
    return {"n": len(req.text)}


@app.post("/keys")
async def keys(payload: dict):
    # validated from the raw body inside the route
    press = KeyPressRequest.model_validate(payload)
    return {"keys": press.keys}


class Batch(BaseModel):
    # another model built from PredictInput: PredictInput is taken through it
    items: list[PredictInput]


@app.post("/batch")
def batch(b: Batch):
    return {"n": len(b.items)}


@app.post("/generate")
def generate(prompt: Prompt):
    return {"ok": True}


class LegacyBatchInput(BaseModel):
    # a model nothing names any more (the batch route was removed): it bounds no request
    # ok: ml-serving.web.unbounded-request-field
    documents: list[str]
