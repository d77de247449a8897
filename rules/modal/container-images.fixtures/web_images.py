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
    # micromamba images are not judged: the rulebook presents one without a user as safe
    # ok: modal.image.runs-as-root
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


# no function in this module runs on it: a shared image, its endpoints out of sight
# ruleid: modal.image.runs-as-root
shared_image = modal.Image.debian_slim(python_version="3.12").pip_install("fastapi==0.115.0")


@app.cls(image=modal.Image.debian_slim(), timeout=60)
class Inline:
    # an image built inline in the decorator has no name to follow: not judged
    # ok: modal.image.runs-as-root
    @modal.method()
    def run(self):
        return 1


def sandbox(app):
    # an inline image belongs to the call it is passed to, not to the assignment around that call
    sb = modal.Sandbox.create(
        "sleep", "infinity",
        # ok: modal.image.runs-as-root
        image=modal.Image.debian_slim(python_version="3.12"),
        app=app,
    )
    return sb
