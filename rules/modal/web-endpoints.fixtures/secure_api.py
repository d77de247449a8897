import os
from collections import defaultdict
from time import time

import modal
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

app = modal.App("secure-api")


class PredictionRequest(BaseModel):
    prompt: str = Field(..., max_length=10000)
    max_tokens: int = Field(default=100, le=1000, ge=1)


# ok: modal.web.missing-rate-limit
@app.function(secrets=[modal.Secret.from_name("api-keys")], timeout=60)
# ok: modal.web.missing-auth
@modal.fastapi_endpoint(method="POST")
def secure_predict(request: PredictionRequest, authorization: str = Header(...)):
    valid_keys = os.environ.get("API_KEYS", "").split(",")
    token = authorization.replace("Bearer ", "")
    if token not in valid_keys:
        raise HTTPException(status_code=401, detail="Unauthorized")
    # ok: modal.web.secret-in-response
    return {"result": request.prompt}


web_app = FastAPI()
request_counts = defaultdict(list)


@web_app.middleware("http")
async def rate_limit(request, call_next):
    client = request.client.host
    now = time()
    request_counts[client] = [t for t in request_counts[client] if now - t < 60]
    if len(request_counts[client]) >= 60:
        raise HTTPException(429, "Rate limit exceeded")
    request_counts[client].append(now)
    return await call_next(request)


def verify_token(authorization: str = Header(...)):
    if authorization != "Bearer " + os.environ["API_TOKEN"]:
        raise HTTPException(401, "Unauthorized")


@web_app.post("/predict", dependencies=[Depends(verify_token)])
async def predict(request: PredictionRequest):
    return {"result": request.prompt}


# ok: modal.web.missing-rate-limit
@app.function(secrets=[modal.Secret.from_name("api-keys")], timeout=60)
# ok: modal.web.missing-auth
@modal.asgi_app()
def fastapi_app():
    return web_app
