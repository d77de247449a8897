"""Thin clients for the TorchServe inference API."""
import re

import httpx
from httpx import AsyncClient

TS_INFERENCE = "http://localhost:8080"
MODEL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# ruleid: torchserve.inference.client-without-timeout
shared = httpx.Client()
# ruleid: torchserve.inference.client-without-timeout
streaming = AsyncClient(base_url=TS_INFERENCE, timeout=None)
# ok: torchserve.inference.client-without-timeout
bounded = httpx.Client(base_url=TS_INFERENCE, timeout=httpx.Timeout(30.0, connect=5.0))


class InferenceClient:
    def __init__(self, base_url: str = TS_INFERENCE, **client_options):
        self.base_url = base_url
        # ok: torchserve.inference.client-without-timeout
        self.http = httpx.Client(**client_options)

    def predict(self, model_name: str, payload: bytes) -> dict:
        if not MODEL_NAME.fullmatch(model_name):
            raise ValueError("invalid model name")
        if len(payload) > 10_000_000:
            raise ValueError("payload too large")
        # ok: torchserve.inference.unvalidated-model-name
        resp = self.http.post(f"{self.base_url}/predictions/{model_name}", content=payload)
        resp.raise_for_status()
        return resp.json()


def predict(model_name: str, data: bytes):
    return httpx.post(
        # ruleid: torchserve.inference.unvalidated-model-name
        f"http://localhost:8080/predictions/{model_name}",
        content=data,
    )


def explain(model, version, body):
    # ruleid: torchserve.inference.unvalidated-model-name
    url = TS_INFERENCE + "/explanations/" + model
    return shared.post(url, json=body)


def predict_file(model_name, path):
    """CLI helper: uploads a local file, the operator picks the model."""
    with open(path, "rb") as fh:
        # ok: torchserve.inference.unvalidated-model-name
        return httpx.post(f"{TS_INFERENCE}/predictions/{model_name}", content=fh.read(), timeout=60)
