"""Images that web endpoints run on: root by default unless the definition makes a user."""
import modal

app = modal.App("web-images")

# The rulebook's "run as root" example, with the endpoint that makes it reachable.
# ruleid: modal.image.runs-as-root
image = modal.Image.debian_slim()
# Default runs as root


@app.function(image=image, timeout=60)
@modal.fastapi_endpoint(method="POST")
def predict(item: dict):
    return {"ok": True}


web_image = (
    # ruleid: modal.image.runs-as-root
    modal.Image.micromamba(python_version="3.11")
    .pip_install("fastapi==0.115.0")
)


@app.cls(image=web_image, timeout=300)
class Api:
    @modal.asgi_app()
    def serve(self):
        from fastapi import FastAPI

        return FastAPI()


# ok: modal.image.runs-as-root
hardened = (
    modal.Image.debian_slim(python_version="3.11")
    .pip_install("fastapi==0.115.0")
    .run_commands("useradd -m -u 1000 appuser", "mkdir -p /app && chown appuser:appuser /app")
)


@app.function(image=hardened, timeout=60)
@modal.web_endpoint()
def health():
    return {"status": "ok"}


# an image only batch functions run on is not reported: root there is Modal's default, not an exposed surface
# ok: modal.image.runs-as-root
batch_image = modal.Image.debian_slim().pip_install("torch==2.4.0")


@app.function(image=batch_image, timeout=600)
def train():
    return None
