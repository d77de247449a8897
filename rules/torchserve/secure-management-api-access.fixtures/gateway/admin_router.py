"""A router named "admin" is no authentication: only a check on the route is."""
import os

import httpx
from fastapi import APIRouter
from flask_login import login_required

admin_router = APIRouter()
TS_MGMT = os.environ.get("TS_MGMT", "http://127.0.0.1:8081")


# ruleid: torchserve.management.unauthenticated-proxy
@admin_router.delete("/models/{name}")
async def drop_model(name: str):
    return httpx.delete(f"{TS_MGMT}/models/{name}").json()


# ok: torchserve.management.unauthenticated-proxy
@admin_router.delete("/models/{name}/v2")
@login_required
async def drop_model_checked(name: str):
    return httpx.delete(f"{TS_MGMT}/models/{name}").json()
