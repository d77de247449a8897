"""Images built by a factory or inline in a decorator: judged by who runs them."""
import modal

app = modal.App("factories")


def server_image(tag: str) -> modal.Image:
    # a factory's image: its users are out of sight
    return modal.Image.from_registry(f"vllm/vllm-openai:{tag}", add_python="3.12").uv_pip_install(
        # ruleid: modal.image.unpinned-pip-install
        "hf-transfer",
    )


# inline in the decorator of a web endpoint
# ruleid: modal.image.unpinned-pip-install
@app.function(image=modal.Image.debian_slim().pip_install("fastapi"))
@modal.fastapi_endpoint()
def status() -> dict:
    return {"ok": True}


# inline in the decorator of a batch job
# ok: modal.image.unpinned-pip-install
@app.function(image=modal.Image.debian_slim().pip_install("biotite"), timeout=600)
def fold(sequence: str) -> str:
    return sequence
