import modal

# The App's own image, and a web endpoint of the module runs on it.
api_image = (
    # ruleid: modal.image.runs-as-root
    modal.Image.debian_slim(python_version="3.11")
    # ruleid: modal.image.apt-install-download-tool
    .apt_install("curl")
    .pip_install("fastapi==0.115.0")
)
app = modal.App("web-on-app-image", image=api_image)


@app.function(timeout=60)
@modal.fastapi_endpoint(method="POST")
def predict(item: dict):
    return {"ok": True}
