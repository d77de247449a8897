# A local training UI's API: bound to 127.0.0.1, no login, JSON read from the raw body.
import json

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from flask import Flask
from flask import request as flask_request

router = APIRouter()
app = FastAPI()
web = Flask(__name__)


# ruleid: ml-serving.web.cross-site-json-body
@router.post("/run")
async def run_training(request: Request):
    # the whole body, unbounded
    # ruleid: ml-serving.web.unbounded-upload-read
    body = await request.body()
    config = json.loads(body.decode("utf-8"))
    return {"started": config.get("name")}


# ok: ml-serving.web.cross-site-json-body
@router.post("/run-typed")
async def run_typed(request: Request):
    # request.json() is the same bytes, but the handler below refuses anything not sent as JSON
    if request.headers.get("content-type") != "application/json":
        return {"error": "send JSON"}
    # the whole body, unbounded
    # ruleid: ml-serving.web.unbounded-upload-read
    config = json.loads(await request.body())
    return {"started": config.get("name")}


# ok: ml-serving.web.cross-site-json-body
@router.post("/echo")
async def echo(request: Request):
    # the whole body, unbounded
    # ruleid: ml-serving.web.unbounded-upload-read
    return {"bytes": len(await request.body())}


# ruleid: ml-serving.web.cross-site-json-body
@web.route("/api/tasks", methods=["POST"])
def create_task():
    task = flask_request.get_json(force=True)
    return {"task": task["name"]}


# ok: ml-serving.web.cross-site-json-body
@web.route("/api/tasks/strict", methods=["POST"])
def create_task_strict():
    task = flask_request.get_json()
    return {"task": task["name"]}


app.include_router(router)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=28000)
