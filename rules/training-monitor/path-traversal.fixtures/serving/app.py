import os
from pathlib import Path

from flask import Flask, abort, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
EXPORTS = Path("/srv/exports")


@app.route("/download")
def download():
    # ruleid: training-monitor.path.request-data
    return send_file(os.path.join(EXPORTS, request.args["name"]))


@app.route("/report")
def report():
    name = request.args.get("file", "latest.txt")
    # ruleid: training-monitor.path.request-data
    with open(EXPORTS / name) as fh:
        return fh.read()


@app.post("/upload")
def upload():
    upload = request.files["dataset"]
    # ruleid: training-monitor.path.request-data
    upload.save(os.path.join("/srv/uploads", upload.filename))
    # ok: training-monitor.path.request-data
    upload.save(os.path.join("/srv/uploads", secure_filename(upload.filename)))
    return "ok"


@app.delete("/checkpoints")
def delete_checkpoint():
    payload = request.get_json()
    # ruleid: training-monitor.path.request-data
    os.remove(
        os.path.join("/srv/checkpoints", payload["checkpoint"])
    )
    return "", 204


@app.route("/static-report")
def static_report():
    # ok: training-monitor.path.request-data
    return send_from_directory(EXPORTS, request.args["name"])


@app.route("/basename")
def basename_only():
    # ok: training-monitor.path.request-data
    return send_file(EXPORTS / os.path.basename(request.args["name"]))


@app.route("/checked")
def checked():
    target = (EXPORTS / request.args["name"]).resolve()
    if not target.is_relative_to(EXPORTS):
        abort(403)
    # ok: training-monitor.path.request-data
    return send_file(target)


def rotate_logs(log_dir: str) -> None:
    # not a web handler: a local path from the caller
    for entry in os.listdir(log_dir):
        # ok: training-monitor.path.request-data
        os.remove(os.path.join(log_dir, entry))


ALLOWED_RUNS = {"baseline", "sweep-3"}


@app.route("/runs")
def run_log():
    run = request.args["run"]
    if run not in ALLOWED_RUNS:
        abort(404)
    # ok: training-monitor.path.request-data
    return send_file(os.path.join("/srv/runs", run, "log.txt"))


def _read_metrics(path):
    with open(path) as fh:
        return fh.read()


@app.route("/metrics")
def metrics():
    # ruleid: training-monitor.path.request-data
    return _read_metrics(os.path.join("/srv/metrics", request.args["file"]))
