import os

import requests

DEFAULTS = {
    # ruleid: training-monitor.secret.hardcoded-literal
    "api_key": "AKIAQ3EXAMPLE7TRAIN1",
    # ok: training-monitor.secret.hardcoded-literal
    "api_key_env": "TRAINING_API_KEY",
    # ruleid: training-monitor.secret.hardcoded-literal
    "client_secret": "Zt7Qp2Vw9Kx4Rm1N",
    # ok: training-monitor.secret.hardcoded-literal
    "secret": os.environ.get("APP_SECRET", ""),
    # ok: training-monitor.secret.hardcoded-literal
    "access_authorization": "private",
}

config = {}
# ruleid: training-monitor.secret.hardcoded-literal
config["password"] = "Pa55word-2024!"
# ok: training-monitor.secret.hardcoded-literal
config["password"] = os.environ["DB_PASSWORD"]

MODEL_TOKENS = {
    # tokenizer vocabulary, not credentials
    # ok: training-monitor.secret.hardcoded-literal
    "pad_token": "<|padding_0001|>",
    # ok: training-monitor.secret.hardcoded-literal
    "eos_token": "</s>0001",
}
# ok: training-monitor.secret.hardcoded-literal
tokenizer_pad_token = "[PAD_0001]"


def notify(text: str) -> None:
    requests.post(
        "https://hooks.example.org/notify",
        json={"text": text},
        # ruleid: training-monitor.secret.hardcoded-literal
        headers={"Authorization": "Bearer 8d9f2b7c1e4a6f03b5d7"},
    )
    requests.post(
        "https://hooks.example.org/notify",
        json={"text": text},
        # ok: training-monitor.secret.hardcoded-literal
        headers={"Authorization": f"Bearer {os.environ['NOTIFY_TOKEN']}"},
    )
    # ok: training-monitor.secret.hardcoded-literal
    requests.get("https://hooks.example.org/health", headers={"Authorization": "Bearer abcd1234"})


# ruleid: training-monitor.secret.hardcoded-literal
SIGNING_KEY_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAu1SU1LfVLPHCozMxH2Mo
-----END PRIVATE KEY-----"""
