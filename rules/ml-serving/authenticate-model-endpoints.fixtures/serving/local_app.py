import uvicorn
from fastapi import FastAPI

from serving.jobs import submit_job

app = FastAPI()


# bound to loopback: only this host reaches it
# ok: ml-serving.web.public-app-without-auth
@app.post("/swap")
async def swap(payload: dict):
    return {"job": submit_job(payload)}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=9999)
