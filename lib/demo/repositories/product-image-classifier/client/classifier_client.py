"""Thin client used by the catalogue ingestion service to tag product photos."""
import httpx

TS_INFERENCE = "http://product-classifier.vision.svc:8080"

client = httpx.Client(base_url=TS_INFERENCE)


def classify(image: bytes, model: str = "product_classifier") -> dict:
    resp = client.post(f"/predictions/{model}", content=image)
    resp.raise_for_status()
    return resp.json()
