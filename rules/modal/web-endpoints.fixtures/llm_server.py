"""A GPU model server published with web_server: Modal forwards the port to a public URL as it would an ASGI app."""
import subprocess

import modal

app = modal.App("llm-server")
image = modal.Image.debian_slim().pip_install("vllm==0.11.1")


# ruleid: modal.web.missing-rate-limit
@app.cls(image=image, gpu="A10G", timeout=3600)
class Server:
    @modal.enter()
    def start(self):
        subprocess.Popen(["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--port", "8000", "--api-key", "from-secret"])

    # ruleid: modal.web.missing-auth
    @modal.web_server(8000, startup_timeout=600)
    def serve(self):
        pass


# ok: modal.web.missing-rate-limit
@app.cls(image=image, gpu="A10G", timeout=3600, max_containers=2)
class BoundedServer:
    # ruleid: modal.web.missing-auth
    @modal.web_server(8001)
    def serve(self):
        subprocess.Popen(["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--port", "8001"])
