# A FastAPI model server: request data followed from routes to dangerous calls.
import os
import pickle
import subprocess
from pathlib import Path

import aiohttp
import httpx
import pandas as pd
import requests
import sympy
from typing import Annotated

from fastapi import BackgroundTasks, Depends, FastAPI, File, Request, UploadFile
from pydantic import BaseModel

from .config import Settings, get_settings

app = FastAPI()
MODELS = {"small", "large"}
BASE = Path("/srv/data")


class Query(BaseModel):
    name: str


@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    expr = body["inputs"][0]["formula"]
    # ruleid: ml-serving.request.code-eval
    value = sympy.parse_expr(expr)
    # ok: ml-serving.request.code-eval
    fixed = sympy.parse_expr("x + 1")
    return {"value": str(value), "fixed": str(fixed)}


@app.post("/upload")
async def upload(file: UploadFile = File(...)):
    blob = await file.read()
    # ruleid: ml-serving.request.deserialization
    model = pickle.loads(blob)
    # ok: ml-serving.request.deserialization
    labels = pickle.loads(Path("/srv/labels.pkl").read_bytes())
    # ruleid: ml-serving.request.path-traversal
    with open(f"/tmp/uploads/{file.filename}", "wb") as out:
        out.write(blob)
    # ok: ml-serving.request.path-traversal
    safe = open(os.path.join("/tmp/uploads", os.path.basename(file.filename)), "wb")
    return {"ok": bool(model), "safe": bool(safe), "labels": labels}


@app.get("/table")
def table(name: str, limit: int = 10):
    if name not in MODELS:
        raise ValueError("unknown")
    # ok: ml-serving.request.path-traversal
    frame = pd.read_csv(BASE / name)
    return frame.head(limit).to_dict()


@app.get("/report")
def report(path: str):
    target = (BASE / path).resolve()
    if not target.is_relative_to(BASE):
        raise ValueError("outside")
    # ok: ml-serving.request.path-traversal
    return target.read_text()


def _convert(src):
    return subprocess.run(f"ffmpeg -i {src} /tmp/out.wav", shell=True)


@app.post("/convert")
def convert(q: Query):
    # ruleid: ml-serving.request.shell-injection
    _convert(q.name)
    # ok: ml-serving.request.shell-injection
    subprocess.run(["ffmpeg", "-i", q.name, "/tmp/out.wav"])
    return {}


def _train(script_args):
    subprocess.run(f"python train.py {script_args}", shell=True, check=False)


@app.post("/train")
def train(q: Query, background_tasks: BackgroundTasks):
    # ruleid: ml-serving.request.shell-injection
    background_tasks.add_task(_train, q.name)
    # ok: ml-serving.request.shell-injection
    background_tasks.add_task(_train, "--epochs 1")
    return {}


@app.get("/proxy")
def proxy(url: str):
    # ok: ml-serving.request.ssrf
    health = requests.get("http://127.0.0.1:8080/health", timeout=5)
    # ruleid: ml-serving.request.ssrf
    return requests.get(url, timeout=5).text + health.text


async def _download(url: str) -> bytes:
    async with aiohttp.ClientSession() as session:
        # the session's get, reached through the helper
        async with session.get(url) as response:
            return await response.read()


@app.get("/thumbnail")
async def thumbnail(image_url: str):
    # ruleid: ml-serving.request.ssrf
    data = await _download(image_url)
    async with httpx.AsyncClient(timeout=10) as client:
        # ruleid: ml-serving.request.ssrf
        meta = await client.get(image_url)
        # a session's get of a fixed URL fetches nothing the caller chose
        # ok: ml-serving.request.ssrf
        health = await client.get("http://127.0.0.1:8080/health")
    return {"bytes": len(data), "meta": meta.status_code, "health": health.status_code}


TORCHSERVE = os.environ.get("TORCHSERVE_URL", "http://torchserve:8080")
PREFILL_HOST = os.environ.get("PREFILL_HOST", "prefill:8000")


@app.post("/predict/{model_name}")
def forward(model_name: str, host: str = ""):
    # a name after a fixed host's path picks a model, not a server
    # ok: ml-serving.request.ssrf
    requests.post(f"{TORCHSERVE}/predictions/{model_name}", timeout=5)
    # ok: ml-serving.request.ssrf
    requests.post(TORCHSERVE + "/predictions/" + model_name, timeout=5)
    # ok: ml-serving.request.ssrf
    requests.get(f"{TORCHSERVE}/models?name={model_name}", timeout=5)
    # a path after the host's own placeholder picks a path on the host the code chose
    # ok: ml-serving.request.ssrf
    requests.get(f"http://{PREFILL_HOST}{model_name}", timeout=5)
    # ... a host from the request does pick the server
    # ruleid: ml-serving.request.ssrf
    requests.get(f"http://{host}/ping", timeout=5)
    # ruleid: ml-serving.request.ssrf
    return requests.get("https://" + host, timeout=5).text


@app.get("/settings-file")
def settings_file(settings: Annotated[Settings, Depends(get_settings)], name: str = "latest"):
    # an injected dependency is the server's own configuration, not the caller's
    # ok: ml-serving.request.path-traversal
    return open(settings.results_dir / "index.json").read()


@app.get("/artifacts/{name}")
def artifact(request: Request, name: str):
    store = request.app.state.artifacts
    # ok: ml-serving.request.path-traversal
    store_dir = open(store.root_manifest)
    # ruleid: ml-serving.request.path-traversal
    return open(f"{store.root}/{name}"), store_dir


RECORDINGS = {}


@app.get("/recordings/{recording_id}")
def recording(recording_id: str):
    record = RECORDINGS[recording_id]
    # ok: ml-serving.request.path-traversal
    return open(record["path"], "rb")


@app.get("/count")
def count(n: int):
    # ok: ml-serving.request.code-eval
    return eval(str(n))


def not_a_route(expr):
    # ok: ml-serving.request.code-eval
    return eval(expr)
