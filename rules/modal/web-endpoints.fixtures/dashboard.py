import os

import modal
from fastapi import FastAPI

app = modal.App("dashboard")
web_app = FastAPI()


@web_app.get("/health")
def health():
    return {"ok": True}


@web_app.get("/debug")
def debug():
    # ruleid: modal.web.secret-in-response
    return {"hf": os.getenv("HF_TOKEN")}


# ruleid: modal.web.missing-rate-limit
@app.function(timeout=60)
# ruleid: modal.web.missing-auth
@modal.asgi_app()
def serve():
    return web_app
