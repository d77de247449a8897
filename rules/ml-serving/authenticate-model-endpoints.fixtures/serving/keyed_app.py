import hmac
import os

import uvicorn
from fastapi import FastAPI, Header, HTTPException

from serving.jobs import submit_job

app = FastAPI()


# ok: ml-serving.web.public-app-without-auth
@app.post("/swap")
async def swap(payload: dict, x_api_key: str = Header()):
    if not hmac.compare_digest(x_api_key, os.environ["SWAP_KEY"]):
        raise HTTPException(status_code=401)
    return {"job": submit_job(payload)}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=9999)
