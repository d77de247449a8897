"""Edge shapes for the management checks' prefilters: decorators spread over lines, other URL spellings."""
import httpx
import requests
from fastapi import APIRouter, FastAPI

app = FastAPI()
routers = {"ops": APIRouter()}
MGMT_BASE = "http://ts-admin.internal:8081"


# the decorator's object spans lines, so `.post` is not on the `@` line
# ruleid: torchserve.management.unauthenticated-proxy
@routers[
    "ops"
].post("/register")
def register_any(url: str):
    # ruleid: torchserve.management.user-supplied-model-url
    return requests.post(f"{MGMT_BASE}/models?url={url}&initial_workers=1", timeout=30).json()


# a line continuation between the object and `.delete`
# ruleid: torchserve.management.unauthenticated-proxy
@app \
    .delete("/drop/{name}")
def drop(name: str):
    return httpx.delete(f"{MGMT_BASE}/models/{name}", timeout=30).json()


# upper-case marker, URL assigned first and the call spread over lines with comments
# ruleid: torchserve.management.unauthenticated-proxy
@routers["ops"].put("/scale/{name}")
def scale(name: str, workers: int):
    target = "http://TORCHSERVE-MGMT:8081" + "/models/" + name
    return httpx.put(
        target,  # the management endpoint
        params={"min_worker": workers},
        timeout=30,
    ).json()


# ruleid: torchserve.management.unauthenticated-proxy
@app.api_route("/register-json", methods=["POST"])
def register_json(body: dict):
    # ruleid: torchserve.management.user-supplied-model-url
    return httpx.request("POST", MGMT_BASE + "/models", json={'url': body["url"]}, timeout=30).json()


# not a route: a function the operator calls
def bootstrap(url: str):
    # ok: torchserve.management.user-supplied-model-url
    return httpx.post(f"{MGMT_BASE}/models", params={"url": url}, timeout=30).json()
