"""FastAPI gateway in front of the TorchServe management API."""
import logging
import os

import httpx
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.security import APIKeyHeader
from pydantic import BaseModel

app = FastAPI()
log = logging.getLogger("admin")
TS_MGMT = os.environ.get("TS_MGMT", "http://127.0.0.1:8081")
KEYS = set(os.environ.get("ADMIN_KEYS", "").split(","))
ALLOWED = {"classifier": "classifier-v3.mar", "detector": "detector-v7.mar"}
api_key = APIKeyHeader(name="X-API-Key")


def require_admin(key: str = Depends(api_key)) -> str:
    if key not in KEYS:
        raise HTTPException(status_code=401)
    return key


def get_db():
    yield None


class Registration(BaseModel):
    model_url: str
    workers: int = 1


# ok: torchserve.management.unauthenticated-proxy
@app.post("/admin/models/{name}")
async def register(name: str, caller: str = Depends(require_admin)):
    if name not in ALLOWED:
        raise HTTPException(403, "unknown model")
    async with httpx.AsyncClient(timeout=30) as client:
        # ok: torchserve.management.user-supplied-model-url
        resp = await client.post(f"{TS_MGMT}/models", params={"url": ALLOWED[name], "initial_workers": 1})
    log.info("register %s by %s", name, caller)
    return resp.json()


# ok: torchserve.management.unauthenticated-proxy
@app.delete("/admin/models/{name}", dependencies=[Depends(require_admin)])
async def unregister(name: str):
    async with httpx.AsyncClient(timeout=30) as client:
        resp = await client.delete(f"{TS_MGMT}/models/{name}")
    return resp.json()


# ruleid: torchserve.management.unauthenticated-proxy
@app.post("/models")
async def register_from_url(url: str):
    # ruleid: torchserve.management.user-supplied-model-url
    return httpx.post(f"{TS_MGMT}/models", params={"url": url}).json()


# ruleid: torchserve.management.unauthenticated-proxy
@app.post("/models/bulk")
async def register_body(reg: Registration, db=Depends(get_db)):
    async with httpx.AsyncClient(timeout=60) as client:
        # ruleid: torchserve.management.user-supplied-model-url
        resp = await client.post(
            TS_MGMT + "/models",
            params={"initial_workers": reg.workers, "url": reg.model_url},
        )
    return resp.json()


# ruleid: torchserve.management.unauthenticated-proxy
@app.delete("/models/{name}")
async def remove(name: str):
    return httpx.delete(f"{TS_MGMT}/models/{name}").json()


# ruleid: torchserve.management.unauthenticated-proxy
@app.put("/models/{name}/scale")
def scale(name: str, workers: int):
    url = f"http://127.0.0.1:8081/models/{name}?min_worker={workers}"
    return httpx.put(url, timeout=10).json()


# ruleid: torchserve.management.unauthenticated-proxy
@app.post("/models/{name}/workers")
async def set_workers(name: str, count: int):
    async with httpx.AsyncClient(timeout=10) as client:
        return (await client.request("PUT", f"{TS_MGMT}/models/{name}?min_worker={count}")).json()


# ok: torchserve.management.unauthenticated-proxy
@app.post("/models/{name}/describe")
async def describe(name: str):
    async with httpx.AsyncClient(timeout=10) as client:
        return (await client.request("GET", f"{TS_MGMT}/models/{name}")).json()


# reading is not changing: listing models is left to other checks
# ok: torchserve.management.unauthenticated-proxy
@app.get("/models")
def list_models():
    return httpx.get(f"{TS_MGMT}/models", timeout=10).json()


# inference through KServe's v2 protocol is not the management API
# ok: torchserve.management.unauthenticated-proxy
@app.post("/infer/{name}")
def infer(name: str, payload: dict):
    return httpx.post(f"http://torchserve:8080/v2/models/{name}/infer", json=payload, timeout=10).json()


admin = APIRouter(dependencies=[Depends(require_admin)])


# ok: torchserve.management.unauthenticated-proxy
@admin.delete("/internal/models/{name}")
async def purge(name: str):
    return httpx.delete(f"{TS_MGMT}/models/{name}", timeout=10).json()
