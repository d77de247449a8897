import os

import modal
from pydantic import BaseModel, Field

app = modal.App("public-api")
image = modal.Image.debian_slim().pip_install("fastapi[standard]==0.115.0")


class GenerateRequest(BaseModel):
    prompt: str = Field(..., max_length=4000)
    max_tokens: int = Field(default=128, ge=1, le=1024)


# ruleid: modal.web.missing-rate-limit
@app.function(image=image, gpu="A10G", timeout=120)
# ruleid: modal.web.missing-auth
@modal.fastapi_endpoint()
# ruleid: modal.web.unvalidated-dict-body
def open_predict(data: dict):
    return {"result": run_model(data)}


# ruleid: modal.web.missing-rate-limit
@app.function(image=image, timeout=120)
# ruleid: modal.web.missing-auth
@modal.web_endpoint(method="POST")
def unvalidated(
    # ruleid: modal.web.unvalidated-dict-body
    request: dict[str, object],
    # ok: modal.web.unvalidated-dict-body
    options: GenerateRequest | None = None,
):
    return run_model(request["prompt"])


# ok: modal.web.missing-rate-limit
@app.function(image=image, timeout=120, max_containers=4)
# ruleid: modal.web.missing-auth
@modal.fastapi_endpoint(method="POST", requires_proxy_auth=False)
# ok: modal.web.unvalidated-dict-body
def checked_dict(body: dict):
    if not isinstance(body.get("prompt"), str) or len(body["prompt"]) > 4000:
        raise ValueError("bad prompt")
    return run_model(body["prompt"])


# ruleid: modal.web.missing-rate-limit
@app.function(image=image, secrets=[modal.Secret.from_name("api-keys")], timeout=60)
# ruleid: modal.web.missing-auth
@modal.fastapi_endpoint()
def leaky_endpoint():
    return {
        # ruleid: modal.web.secret-in-response
        "api_key": os.environ["SERVICE_API_KEY"],
        "result": "data",
    }


# ok: modal.web.missing-rate-limit
@app.function(image=image, concurrency_limit=2, timeout=60)
# ok: modal.web.missing-auth
@modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)
def proxy_protected(req: GenerateRequest):
    key = os.environ["UPSTREAM_API_KEY"]
    # ok: modal.web.secret-in-response
    return {"configured": bool(key), "result": run_model(req.prompt, key)}


# ok: modal.web.missing-rate-limit
@app.function(image=image, timeout=60)
# ok: modal.web.missing-auth
@modal.fastapi_endpoint(requires_proxy_auth=True)
def internal_only(req: GenerateRequest):
    return run_model(req.prompt)


# ruleid: modal.web.missing-rate-limit
@app.cls(image=image, gpu="T4", timeout=300)
class TTS:
    # ruleid: modal.web.missing-auth
    @modal.fastapi_endpoint(method="POST")
    # ruleid: modal.web.unvalidated-dict-body
    def speak(self, payload: dict):
        return run_model(payload["text"])

    # ok: modal.web.missing-auth
    @modal.fastapi_endpoint(method="POST")
    def speak_signed(self, payload: GenerateRequest, x_api_key: str):
        if x_api_key != os.environ["TTS_KEY"]:
            return {"error": "forbidden"}
        return run_model(payload.prompt)

    @modal.method()
    def warmup(self):
        token = os.environ["HF_TOKEN"]
        # ok: modal.web.secret-in-response
        return token


def run_model(*args):
    return args
