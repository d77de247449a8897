import hmac
import logging
import os

import bentoml
from bentoml.io import JSON
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse

log = logging.getLogger("audit")

ranker = bentoml.sklearn.get("ranker:latest").to_runner()
# ok: bentoml.api.no-authentication
svc = bentoml.Service("ranker", runners=[ranker])


class ApiKeyGate:
    def __init__(self, app):
        self.app = app
        self.keys = {k for k in os.environ.get("RANKER_KEYS", "").split(",") if k}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            presented = dict(scope["headers"]).get(b"x-api-key", b"").decode()
            if not any(hmac.compare_digest(presented, k) for k in self.keys):
                await JSONResponse({"error": "unauthorized"}, status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)


svc.add_asgi_middleware(ApiKeyGate)
svc.add_asgi_middleware(
    CORSMiddleware,
    # ok: bentoml.api.cors-allow-all-origins
    allow_origins=["https://app.example.com"],
    allow_methods=["POST"],
)


# ok: bentoml.api.no-authentication
@svc.api(input=JSON(), output=JSON())
async def rank(payload: dict, ctx: bentoml.Context) -> dict:
    log.info("rank request from %s", ctx.request.client.host)
    return {"ranking": await ranker.predict.async_run(payload)}


# ok: bentoml.api.no-authentication
@svc.api(input=JSON(), output=JSON(), route="/admin/reload")
async def admin_reload(payload: dict) -> dict:
    return {"reloaded": True}
