"""A tutorial app: the same gaps as in production code, reported as notes (low) in an example."""
import modal

app = modal.App("hello-gpu")
# a batch function's image: an unpinned package there is a reproducibility note, not reported
# ok: modal.image.unpinned-pip-install
image = modal.Image.debian_slim().pip_install("torch", "transformers==4.44.2")


# ruleid: modal.function.missing-timeout (low)
@app.function(image=image, gpu="T4")
def generate(prompt: str) -> str:
    return prompt[::-1]


# ruleid: modal.image.unpinned-pip-install (low)
web_image = modal.Image.debian_slim().pip_install("fastapi")


@app.function(image=web_image)
@modal.fastapi_endpoint()
def hello() -> str:
    return "hello"
