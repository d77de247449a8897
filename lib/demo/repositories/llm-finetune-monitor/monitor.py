"""Tiny dashboard the team uses to follow fine-tuning runs: loss curves and checkpoint downloads."""
import json
import os

from flask import Flask, abort, request, send_file

CHECKPOINTS = "/checkpoints"
app = Flask(__name__)


@app.get("/runs")
def runs():
    return sorted(os.listdir(CHECKPOINTS))


@app.get("/runs/<run>/metrics")
def metrics(run: str):
    path = os.path.join(CHECKPOINTS, os.path.basename(run), "trainer_state.json")
    if not os.path.exists(path):
        abort(404)
    with open(path) as fh:
        return json.load(fh)["log_history"]


@app.get("/download")
def download():
    return send_file(os.path.join(CHECKPOINTS, request.args["file"]))
