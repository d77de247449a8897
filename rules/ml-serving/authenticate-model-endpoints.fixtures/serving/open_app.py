import uvicorn
from fastapi import FastAPI, UploadFile

from serving.jobs import submit_job

app = FastAPI(title="face swap")


# ruleid: ml-serving.web.public-app-without-auth
@app.post("/swap")
async def swap(source: UploadFile, target: UploadFile):
    return {"job": submit_job(await source.read(), await target.read())}


# ok: ml-serving.web.public-app-without-auth
@app.get("/health")
async def health():
    return {"ok": True}


# ok: ml-serving.web.public-app-without-auth
@app.post("/ping")
async def ping():
    return {"pong": True}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=9999)
