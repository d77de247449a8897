"""Flask admin panel for TorchServe."""
import requests
from flask import Flask, jsonify, request
from flask_login import login_required

app = Flask(__name__)
MANAGEMENT_API = "http://127.0.0.1:8081"


# ruleid: torchserve.management.unauthenticated-proxy
@app.route("/register", methods=["POST"])
def register():
    archive = request.args.get("url")
    # ruleid: torchserve.management.user-supplied-model-url
    resp = requests.post(f"{MANAGEMENT_API}/models?url={archive}&initial_workers=1", timeout=60)
    return jsonify(resp.json())


# ok: torchserve.management.unauthenticated-proxy
@app.route("/unregister/<name>", methods=["POST"])
@login_required
def unregister(name):
    app.logger.info("unregister %s", name)
    resp = requests.delete(f"{MANAGEMENT_API}/models/{name}", timeout=30)
    return jsonify(resp.json())


# ok: torchserve.management.unauthenticated-proxy
@app.post("/reload")
def reload_default():
    if request.headers.get("Authorization") != app.config["ADMIN_TOKEN"]:
        return "forbidden", 403
    # ok: torchserve.management.user-supplied-model-url
    resp = requests.post(f"{MANAGEMENT_API}/models", params={"url": "resnet-18.mar"}, timeout=60)
    return jsonify(resp.json())
