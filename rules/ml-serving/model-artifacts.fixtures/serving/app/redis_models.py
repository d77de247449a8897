"""Per-tenant models kept in Redis and unpickled on first use."""
import io
import pickle

import joblib
import redis
import requests
from fastapi import FastAPI

app = FastAPI()
cache = redis.Redis(host="models.internal", port=6380, password=None)


def load_tenant_model(tenant: str):
    blob = cache.get(f"model:{tenant}")
    # ruleid: ml-serving.artifact.network-deserialization
    return pickle.loads(blob)


def load_from_url(url: str):
    response = requests.get(url, timeout=10)
    # ruleid: ml-serving.artifact.network-deserialization
    return joblib.load(io.BytesIO(response.content))


def load_settings():
    # settings read as JSON: no code in them
    # ok: ml-serving.artifact.network-deserialization
    return cache.get("settings")


@app.post("/score/{tenant}")
def score(tenant: str, features: list[float]):
    return {"score": load_tenant_model(tenant).predict([features])[0]}
