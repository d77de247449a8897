# A webhook receiver reads the raw body to check its signature: the signature is the authentication.
import hashlib
import hmac
import json

from fastapi import FastAPI, HTTPException, Request

app = FastAPI()
SECRET = b"from-the-environment"


# ok: ml-serving.web.cross-site-json-body
@app.post("/hooks/push")
async def push(request: Request):
    # the whole body, unbounded
    # ruleid: ml-serving.web.unbounded-upload-read
    body = await request.body()
    expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("x-hub-signature-256", "")):
        raise HTTPException(status_code=401)
    return json.loads(body)
