import os

import modal

app = modal.App("secure-app")


# ok: modal.secrets.overly-broad-secret
@app.function(secrets=[modal.Secret.from_name("openai-key")], timeout=60)
def call_api():
    # ok: modal.secrets.hardcoded-credential
    api_key = os.environ.get("OPENAI_API_KEY")
    if not api_key:
        raise ValueError("API key not configured")
    # ok: modal.secrets.returned-to-caller
    return make_api_call(api_key)


@app.function(
    secrets=[
        # ok: modal.secrets.overly-broad-secret
        modal.Secret.from_name("prod-api-key" if os.environ.get("ENV") == "prod" else "dev-api-key")
    ],
    timeout=60,
)
def environment_aware():
    pass


@app.function(
    secrets=[modal.Secret.from_name("db-credentials"), modal.Secret.from_name("api-key")],
    timeout=60,
)
def multi_secret_function():
    db_pass = os.environ["DB_PASSWORD"]
    api_key = os.environ["API_KEY"]
    return connect(db_pass, api_key)


@app.function(secrets=[modal.Secret.from_name("api-key")], timeout=60)
def safe_logging():
    api_key = os.environ["API_KEY"]
    # ok: modal.secrets.secret-logged
    print(f"Making API call with key length: {len(api_key)}")
    result = call_api(api_key)
    # ok: modal.secrets.returned-to-caller
    return result


# ok: modal.secrets.secret-in-image-build
image = modal.Image.debian_slim().run_commands("useradd -m appuser", "mkdir -p /app")


def make_api_call(key):
    return key


def connect(a, b):
    return a, b
