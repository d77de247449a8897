import io
import os

import httpx
from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from PIL import Image
from starlette.middleware import Middleware

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    # ruleid: ml-serving.web.cors-any-origin-with-credentials
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
)

# any origin without credentials is the framework policies' permissive-CORS concern, not this one
public = FastAPI(
    middleware=[
        # ok: ml-serving.web.cors-any-origin-with-credentials
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"]),
    ]
)

admin = FastAPI(
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_credentials=True,
            # ruleid: ml-serving.web.cors-any-origin-with-credentials
            allow_origin_regex=".*",
        ),
        # ok: ml-serving.web.cors-any-origin-with-credentials
        Middleware(CORSMiddleware, allow_origins=["https://console.example.com"], allow_credentials=True),
    ]
)

# ruleid: ml-serving.http.client-without-timeout
upstream = httpx.AsyncClient(base_url=os.environ["MODEL_URL"])
# ruleid: ml-serving.http.client-timeout-disabled
streaming = httpx.AsyncClient(base_url=os.environ["MODEL_URL"], timeout=None)
# ok: ml-serving.http.client-without-timeout, ml-serving.http.client-timeout-disabled
bounded = httpx.AsyncClient(base_url=os.environ["MODEL_URL"], timeout=httpx.Timeout(60.0, connect=5.0))


@app.post("/transcribe")
async def transcribe(audio: UploadFile = File(...)):
    # ruleid: ml-serving.web.unbounded-upload-read
    data = await audio.read()
    return {"bytes": len(data)}


@app.post("/embed")
async def embed(request: Request):
    # ruleid: ml-serving.web.unbounded-upload-read
    raw = await request.body()
    return {"n": len(raw)}


@app.post("/batch")
async def batch(request: Request):
    # ruleid: ml-serving.web.unbounded-upload-read
    form = await request.form()
    return {"fields": list(form.keys())}


@app.post("/classify")
async def classify(image: UploadFile):
    if image.size is None or image.size > MAX_UPLOAD_BYTES:
        raise HTTPException(413, "image too large")
    # ok: ml-serving.web.unbounded-upload-read
    data = await image.read()
    return {"bytes": len(data)}


@app.post("/ingest")
async def ingest(request: Request):
    if int(request.headers.get("content-length", 0)) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, "body too large")
    # ok: ml-serving.web.unbounded-upload-read
    return {"n": len(await request.body())}


@app.post("/chunks")
async def chunks(upload: UploadFile):
    total = 0
    # ok: ml-serving.web.unbounded-upload-read
    while chunk := await upload.read(1 << 20):
        total += len(chunk)
    return {"bytes": total}


@app.post("/parsed")
async def parsed(request: Request):
    # a parsed JSON body is the unvalidated-payload checks' to judge
    # ok: ml-serving.web.unbounded-upload-read
    return await request.json()


class JsonCodec:
    # a framework's own plumbing that takes a Request is not an endpoint
    async def decode(self, request: Request):
        # ok: ml-serving.web.unbounded-upload-read
        return await request.body()


async def test_client():
    # ok: ml-serving.http.client-without-timeout
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get("/health")


@app.post("/detect")
async def detect(image: UploadFile):
    # ruleid: ml-serving.web.unbounded-upload-read
    data = await image.read()
    pil = Image.open(io.BytesIO(data))
    # the image's pixel size, read after the whole upload: no bound on the upload
    return {"size": pil.size}


@app.post("/thumbnail")
async def thumbnail(image: UploadFile):
    if image.size > 10_000_000:
        raise HTTPException(413, "image too large")
    # ok: ml-serving.web.unbounded-upload-read
    return {"bytes": len(await image.read())}
