import boto3
from fastapi import FastAPI

app = FastAPI()
s3 = boto3.client("s3")
MODELS_BUCKET = "acme-models"
ALLOWED_KEYS = {"resnet50.onnx", "bert-base.onnx"}


def parse_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def read_object(bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


@app.get("/image-size")
async def image_size(s3_uri: str):
    bucket, key = parse_s3_uri(s3_uri)
    # ruleid: ml-serving.request.object-store-access
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return {"bytes": len(data)}


@app.get("/fetch")
async def fetch(s3_uri: str):
    bucket, key = parse_s3_uri(s3_uri)
    # through a module-local helper
    # ruleid: ml-serving.request.object-store-access
    return {"bytes": len(read_object(bucket, key))}


@app.get("/model")
async def model(name: str):
    if name not in ALLOWED_KEYS:
        return {"error": "unknown model"}
    # ok: ml-serving.request.object-store-access
    data = s3.get_object(Bucket=MODELS_BUCKET, Key=name)["Body"].read()
    return {"bytes": len(data)}


@app.get("/config")
async def config():
    # ok: ml-serving.request.object-store-access
    return s3.get_object(Bucket=MODELS_BUCKET, Key="config.json")["Body"].read()
