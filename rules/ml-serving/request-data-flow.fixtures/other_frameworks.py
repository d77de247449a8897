# Flask, Modal web endpoints, BentoML APIs and Ray Serve deployments hand request data to these functions too.
import os
import subprocess

import bentoml
import modal
from flask import Flask, request, send_file
from ray import serve

flask_app = Flask(__name__)
app = modal.App("flow")


@flask_app.route("/download")
def download():
    name = request.args.get("file")
    # ruleid: ml-serving.request.path-traversal
    return send_file(os.path.join("/srv/files", name))


@app.function()
@modal.fastapi_endpoint(method="POST")
def run(item: dict):
    cmd = item["command"]
    # ruleid: ml-serving.request.shell-injection
    return subprocess.check_output(cmd, shell=True)


@bentoml.service
class Calculator:
    @bentoml.api
    def compute(self, expression: str) -> str:
        # ruleid: ml-serving.request.code-eval
        return str(eval(expression))


@serve.deployment
class Reader:
    async def __call__(self, http_request):
        payload = await http_request.json()
        # ruleid: ml-serving.request.path-traversal
        with open(payload["path"]) as f:
            return f.read()


def streamlit_page():
    import glob

    import requests
    import streamlit as st

    url = st.text_input("Dataset URL")
    if st.button("Preview"):
        # ruleid: ml-serving.request.ssrf
        st.write(requests.get(url, timeout=10).text[:500])
    pattern = st.text_input("Files")
    # ruleid: ml-serving.request.path-traversal
    return glob.glob(pattern)
