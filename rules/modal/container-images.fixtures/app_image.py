import modal

# The App's own image: functions that name no image run on it.
# ok: modal.image.runs-as-root
batch_image = (
    modal.Image.debian_slim(python_version="3.11")
    # a batch job's download tool is no surface either
    # ok: modal.image.apt-install-download-tool
    .apt_install("wget")
    .pip_install("biotite==1.0.1")
)
app = modal.App("batch-jobs", image=batch_image)


@app.function(gpu="A10G", timeout=3600)
def fold(sequence: str) -> str:
    return sequence


@app.local_entrypoint()
def main():
    fold.remote("MKV")


# a function of its own image, batch too
# ok: modal.image.runs-as-root
fetch_image = modal.Image.debian_slim().apt_install(
    # ok: modal.image.apt-install-download-tool
    "curl"
)


@app.function(image=fetch_image)
def download(url: str) -> None:
    return None
