import subprocess

import modal

app = modal.App("llm-server")
image = modal.Image.from_registry("vllm/vllm-openai:v0.8.5")
PORT = 8000


@app.function(image=image, gpu="H100", max_containers=2)
# ruleid: modal.web.missing-auth
@modal.web_server(port=PORT, startup_timeout=600)
def open_server():
    subprocess.Popen(["vllm", "serve", "org/model", "--host", "0.0.0.0", "--port", str(PORT)])


@app.cls(image=image, gpu="H100", max_containers=2)
# ruleid: modal.web.missing-auth
@modal.experimental.http_server(port=PORT, proxy_regions=["us-east"])
class OpenCluster:
    @modal.enter()
    def start(self):
        self.proc = subprocess.Popen(["vllm", "serve", "org/model", "--port", str(PORT)])


@app.function(image=image, gpu="H100", max_containers=2, secrets=[modal.Secret.from_name("serving-key")])
# ok: modal.web.missing-auth
@modal.web_server(port=PORT, startup_timeout=600)
def keyed_server():
    import os

    subprocess.Popen(["vllm", "serve", "org/model", "--port", str(PORT), "--api-key", os.environ["SERVING_KEY"]])


@app.function(image=image, gpu="H100", max_containers=2)
# ok: modal.web.missing-auth
@modal.web_server(port=PORT, requires_proxy_auth=True)
def proxy_protected():
    subprocess.Popen(["vllm", "serve", "org/model", "--port", str(PORT)])
