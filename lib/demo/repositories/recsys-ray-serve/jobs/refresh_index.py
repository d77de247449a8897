"""Nightly job: pull the latest ANN index from the feature store and warm the retriever replicas."""
import requests

FEATURE_STORE = "https://features.internal.acme-ml.example"


def fetch_index(path: str) -> bytes:
    # The feature store's certificate is from the internal CA, which the job image does not carry yet.
    resp = requests.get(f"{FEATURE_STORE}/{path}", verify=False, timeout=30)  # posture: ignore[ml-serving.code.tls-verification-disabled] internal CA not in the job image yet, PLAT-231
    resp.raise_for_status()
    return resp.content


def warm(replicas: str) -> None:
    # posture: ignore[ml-serving.code.tls-verification-disabled]
    requests.post(f"{FEATURE_STORE}/warm", json={"replicas": replicas}, verify=False, timeout=30).raise_for_status()
