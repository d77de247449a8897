# Request data followed into helpers of another module: a module function called directly or handed to
# BackgroundTasks, and a method of an imported class's instance.
import json

from fastapi import APIRouter, BackgroundTasks, Request

import launch_utils
from launch_utils import Trainer, run_listed

router = APIRouter()
trainer = Trainer()


@router.post("/run_script")
async def run_script(request: Request, background_tasks: BackgroundTasks):
    j = json.loads((await request.body()).decode("utf-8"))
    args = " ".join(f"--{k} {v}" for k, v in j.items())
    # ruleid: ml-serving.request.shell-injection
    background_tasks.add_task(launch_utils.run, f"python tools/merge.py {args}")
    # ruleid: ml-serving.request.shell-injection
    launch_utils.run(args, desc="merging")
    # ok: ml-serving.request.shell-injection
    launch_utils.run("python tools/merge.py", desc=args)
    # ok: ml-serving.request.shell-injection
    run_listed(["python", "tools/merge.py", args])
    return {"ok": True}


@router.post("/train")
async def train(request: Request):
    cfg = await request.json()
    # ruleid: ml-serving.request.shell-injection, ml-serving.request.path-traversal
    trainer.start(cfg["config"], cfg["log_dir"])
    return {"ok": True}
