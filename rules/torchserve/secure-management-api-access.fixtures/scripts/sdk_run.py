# Starting TorchServe with the Docker SDK for local testing.
import docker

INFERENCE_PORT = "8080"
MANAGEMENT_PORT = "8081"


def run_local(gpu=False):
    image = "pytorch/torchserve:latest-gpu" if gpu else "pytorch/torchserve:latest"
    client = docker.from_env()
    return client.containers.run(
        image=image,
        detach=True,
        ports={
            # ok: torchserve.management.sdk-publish
            INFERENCE_PORT: INFERENCE_PORT,
            # ruleid: torchserve.management.sdk-publish
            MANAGEMENT_PORT: MANAGEMENT_PORT,
        },
    )


def run_loopback():
    client = docker.from_env()
    return client.containers.run(
        "pytorch/torchserve:0.12.0",
        detach=True,
        # ok: torchserve.management.sdk-publish
        ports={"8081/tcp": ("127.0.0.1", 8081), "8080/tcp": 8080},
    )


def run_other():
    client = docker.from_env()
    # ok: torchserve.management.sdk-publish
    return client.containers.run("redis:7", ports={"6379/tcp": 6379, "8081/tcp": 8081})
