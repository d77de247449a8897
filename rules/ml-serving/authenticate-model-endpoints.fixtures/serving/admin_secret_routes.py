"""A demo app whose admin routes compare a shared secret, and whose other routes check nothing."""
import os

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

web_app = FastAPI()


class CreateRequest(BaseModel):
    prompt: str


class AdminRequest(BaseModel):
    app_id: str
    admin_secret: str


# ruleid: ml-serving.web.route-missing-auth-dependency
@web_app.post("/api/create")
async def create_app(request_data: CreateRequest):
    return {"app_id": await start_sandbox(request_data.prompt)}


# ok: ml-serving.web.route-missing-auth-dependency
@web_app.post("/api/admin/terminate")
async def terminate(request_data: AdminRequest):
    if request_data.admin_secret != os.environ["ADMIN_SECRET"]:
        return JSONResponse({"status": "error"}, status_code=403)
    await stop_sandbox(request_data.app_id)
    return {"status": "ok"}


# a read: the admin routes' secret says nothing about who may list (the Depends form is the strict one)
# ok: ml-serving.web.route-missing-auth-dependency
@web_app.get("/api/apps")
async def list_apps():
    return {"apps": await all_sandboxes()}


# ok: ml-serving.web.route-missing-auth-dependency
@web_app.post("/api/app/{app_id}/rename")
async def rename(app_id: str, request_data: CreateRequest, request: Request):
    require_owner(request, app_id)
    return {"app_id": await start_sandbox(request_data.prompt)}


# ok: ml-serving.web.route-missing-auth-dependency
@web_app.get("/health")
async def health():
    return {"ok": True}


def require_owner(request: Request, app_id: str) -> None:
    if request.headers.get("x-owner-token") != os.environ["OWNER_TOKEN"]:
        raise HTTPException(status_code=403)


async def all_sandboxes() -> list:
    return []


async def start_sandbox(prompt: str) -> str:
    return prompt[:8]


async def stop_sandbox(app_id: str) -> None:
    return None
