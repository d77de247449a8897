# A tensor API whose requirements (through an include) never name torch: it comes from the image, at any version.
import io

import torch
from fastapi import FastAPI, File, UploadFile

app = FastAPI()


@app.post("/tensor")
async def tensor(file: UploadFile = File(...)):
    # ruleid: ml-serving.request.deserialization
    weights = torch.load(io.BytesIO(await file.read()))
    return {"keys": sorted(weights)}
