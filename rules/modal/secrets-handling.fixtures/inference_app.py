import logging
import os

import modal
from openai import OpenAI

logger = logging.getLogger(__name__)

app = modal.App("chat-service")

# ok: modal.secrets.hardcoded-credential
SECRET_NAME = "openai-prod"
# ok: modal.secrets.hardcoded-credential
HF_CACHE_DIR = "/root/.cache/huggingface"

# ruleid: modal.secrets.secret-in-image-build
image = modal.Image.debian_slim().run_commands("echo 'OPENAI_API_KEY=sk-live-123' >> /etc/environment")

image_with_login = modal.Image.debian_slim().run_commands(
    "pip install -U huggingface_hub",
    # ruleid: modal.secrets.secret-in-image-build
    "huggingface-cli login --token hf_AbCdEfGhIjKlMnOpQrStUvWx",
    # ok: modal.secrets.secret-in-image-build
    "huggingface-cli download org/model --token $HF_TOKEN",
    secrets=[modal.Secret.from_name("huggingface")],
)

private_deps = modal.Image.debian_slim().run_commands(
    # ruleid: modal.secrets.secret-in-image-build
    "pip install --extra-index-url https://deploy:s3cr3tpass@pypi.internal.example/simple internal-lib==1.2.0",
    # ok: modal.secrets.secret-in-image-build
    "pip install --extra-index-url https://pypi.internal.example/simple internal-lib==1.2.0",
    # ok: modal.secrets.secret-in-image-build
    "echo 'TOKENIZERS_PARALLELISM=false' >> /etc/environment",
)

# ruleid: modal.secrets.secret-in-image-build
docker_img = modal.Image.debian_slim().dockerfile_commands(["ENV WANDB_API_KEY=0123456789abcdef0123"])

# ruleid: modal.secrets.secret-in-image-build
env_img = modal.Image.debian_slim().env({"HF_TOKEN": os.environ["HF_TOKEN"], "HF_HOME": "/cache"})

# ok: modal.secrets.secret-in-image-build
fast_img = modal.Image.debian_slim().env({"HF_HUB_ENABLE_HF_TRANSFER": "1"})

# ruleid: modal.secrets.overly-broad-secret
everything = modal.Secret.from_name("all-secrets")

# ok: modal.secrets.overly-broad-secret
scoped = modal.Secret.from_name("openai-key")


@app.function(
    timeout=120,
    # ruleid: modal.secrets.overly-broad-secret
    secrets=[modal.Secret.from_name("prod-secrets")],
)
def summarize(text: str) -> str:
    # ruleid: modal.secrets.hardcoded-credential (critical)
    api_key = "sk-proj-9f8e7d6c5b4a39281706"
    client = OpenAI(api_key=api_key)
    return client.responses.create(model="gpt-4o-mini", input=text).output_text


@app.function(timeout=60)
def call_internal():
    import requests

    # ruleid: modal.secrets.hardcoded-credential
    headers = {"Authorization": "Bearer sk-Zq81mN0pL2kJ7hG6fD5s"}
    return requests.get("https://internal/api", headers=headers, timeout=5)


@app.function(timeout=60)
def local_llm():
    # a local vLLM server ignores the key; the literal is a placeholder
    # ok: modal.secrets.hardcoded-credential
    client = OpenAI(base_url="http://localhost:8000/v1", api_key="not-needed")
    # ok: modal.secrets.hardcoded-credential
    login = {"user": "tester", "password": "passwordpassword"}
    # ruleid: modal.secrets.hardcoded-credential
    admin = {"user": "admin", "password": "hunter2hunter2"}
    return client, login, admin


@app.function(timeout=60)
def connect_db():
    import psycopg

    # ruleid: modal.secrets.hardcoded-credential
    return psycopg.connect(host="db", user="svc", password="Pr0dPassw0rd!")


@app.cls(timeout=300)
class Uploader:
    # ruleid: modal.secrets.hardcoded-credential
    github_token: str = "ghp_1234567890abcdefghijklmnopqrstuvwx"

    @modal.method()
    def push(self, path: str):
        # ok: modal.secrets.hardcoded-credential
        self.pad_token = "<|endoftext|>"
        # ok: modal.secrets.hardcoded-credential
        token = os.environ.get("GITHUB_TOKEN", "")
        return path


@app.function(secrets=[modal.Secret.from_name("openai-key")], timeout=60)
def leak_to_logs():
    api_key = os.environ["OPENAI_API_KEY"]
    # ruleid: modal.secrets.secret-logged
    print(f"Using key: {api_key}")
    # ruleid: modal.secrets.secret-logged
    logger.info("token is %s", os.getenv("HF_TOKEN"))
    # ok: modal.secrets.secret-logged
    print(f"key configured: {api_key is not None}, length {len(api_key)}")
    # ok: modal.secrets.secret-logged
    logger.debug("key prefix %s", api_key[:3])
    # ok: modal.secrets.secret-logged
    print(os.environ["MODEL_NAME"])
    return "done"


@app.function(secrets=[modal.Secret.from_name("db-credentials")], timeout=60)
def leak_via_logging_module():
    from os import environ

    password = environ.get("PGPASSWORD")
    logging.warning(
        "connecting with %s",
        # ruleid: modal.secrets.secret-logged
        password,
    )


@app.function(secrets=[modal.Secret.from_name("openai-key")], timeout=60)
def return_secret():
    # ruleid: modal.secrets.returned-to-caller
    return {"key": os.environ["OPENAI_API_KEY"]}


@app.function(secrets=[modal.Secret.from_name("hf")], timeout=60)
def return_token_var():
    token = os.getenv("HF_TOKEN")
    # ruleid: modal.secrets.returned-to-caller
    return f"Bearer {token}"


@app.cls(secrets=[modal.Secret.from_name("hf")], timeout=60)
class Worker:
    @modal.method()
    def config(self):
        hf_token = os.environ["HF_TOKEN"]
        # ruleid: modal.secrets.returned-to-caller
        return {"token": hf_token, "region": "us-east"}

    @modal.method()
    def status(self):
        hf_token = os.environ["HF_TOKEN"]
        # ok: modal.secrets.returned-to-caller
        return {"token_set": bool(hf_token), "token_length": len(hf_token)}


def _read_token() -> str:
    # ok: modal.secrets.returned-to-caller
    return os.environ["HF_TOKEN"]
