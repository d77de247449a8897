import modal

image = modal.Image.debian_slim().pip_install(
    # ruleid: ml-serving.dependency.vulnerable-version
    "ray==2.8.1",
    # ok: ml-serving.dependency.vulnerable-version
    "torch==2.10.0",
    # built with the newest release the bare name allows
    # ok: ml-serving.dependency.range-admits-critical
    "transformers",
)
app = modal.App("ray-client", image=image)


@app.function()
def submit(address: str):
    import ray

    ray.init(address=address)
