import modal

app = modal.App("hardened")

image = (
    modal.Image.debian_slim(python_version="3.11")
    # ok: modal.image.apt-install-remote-access-tool, modal.image.apt-install-download-tool
    .apt_install("libgomp1")
    .pip_install("torch==2.0.1", "numpy==1.24.0")
    .run_commands("useradd -m -u 1000 appuser", "mkdir -p /app && chown appuser:appuser /app")
    .workdir("/app")
    # ok: modal.image.copies-whole-project
    .copy_local_file("model.py", "/app/model.py")
)

conda = (
    modal.Image.micromamba(python_version="3.11")
    .micromamba_install("pytorch", "numpy", channels=["pytorch", "conda-forge"])
    .pip_install("transformers==4.30.0")
)

base_image = modal.Image.debian_slim().pip_install("torch==2.0.1")


@app.function(image=base_image, timeout=600)
def build_model():
    pass
