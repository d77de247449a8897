# A tensor API whose requirements pin torch>=2.6: torch.load reads weights only unless told otherwise.
import io

import torch
from fastapi import FastAPI, File, UploadFile

app = FastAPI()


@app.post("/tensor")
async def tensor(file: UploadFile = File(...)):
    blob = await file.read()
    # ok: ml-serving.request.deserialization
    weights = torch.load(io.BytesIO(blob))
    # ruleid: ml-serving.request.deserialization
    legacy = torch.load(io.BytesIO(blob), weights_only=False)
    return {"keys": sorted(weights) + sorted(legacy)}
