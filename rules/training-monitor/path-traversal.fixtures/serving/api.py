import os
from pathlib import Path

import modal
from fastapi import FastAPI, UploadFile
from fastapi.responses import FileResponse

web = FastAPI()
ARTIFACTS = "/artifacts"
app = modal.App("artifacts")


@web.get("/artifacts/{filename}")
def get_artifact(filename: str):
    # ruleid: training-monitor.path.request-data
    return FileResponse(os.path.join(ARTIFACTS, filename))


@web.post("/datasets")
async def add_dataset(file: UploadFile):
    # ruleid: training-monitor.path.request-data
    with open(f"/datasets/{file.filename}", "wb") as out:
        out.write(await file.read())
    # ok: training-monitor.path.request-data
    with open(f"/datasets/{Path(file.filename).name}", "wb") as out:
        out.write(await file.read())


@web.get("/index")
def index(path: str = "index.html"):
    # ok: training-monitor.path.request-data
    return FileResponse(path="static/index.html")


@app.function()
@modal.fastapi_endpoint(method="GET")
def read_sample(path: str):
    # ruleid: training-monitor.path.request-data
    return Path(f"/data/samples/{path}").read_text()


@web.get("/models/{model_name}")
def model_card(model_name: str):
    card = os.path.join("/models", model_name, "README.md")
    # ruleid: training-monitor.path.request-data
    return Path(card).read_text()
