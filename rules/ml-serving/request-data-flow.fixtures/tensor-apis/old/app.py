# A tensor API whose Poetry constraint allows torch 1.9: torch.load unpickles by default there.
import io

import torch
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/tensor")
async def tensor(request: Request):
    raw = await request.body()
    # ruleid: ml-serving.request.deserialization
    weights = torch.load(io.BytesIO(raw), map_location="cpu")
    # ok: ml-serving.request.deserialization
    checked = torch.load(io.BytesIO(raw), weights_only=True)
    return {"keys": sorted(weights) + sorted(checked)}
