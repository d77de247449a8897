from pathlib import Path

import modal

app = modal.App("image-hardening")

# ruleid: modal.image.full-base-image
full = modal.Image.from_registry("python:3.12", add_python=None)
# ruleid: modal.image.full-base-image
full_bookworm = modal.Image.from_registry(tag="python:3.11-bookworm")
# ok: modal.image.full-base-image, modal.image.unpinned-registry-image
slim = modal.Image.from_registry("python:3.11-slim-bookworm")
# ok: modal.image.full-base-image, modal.image.unpinned-registry-image
cuda = modal.Image.from_registry("nvidia/cuda:12.4.1-runtime-ubuntu22.04", add_python="3.11")

# ruleid: modal.image.unpinned-registry-image
torch_base = modal.Image.from_registry("pytorch/pytorch")
# ruleid: modal.image.unpinned-registry-image
vllm_base = modal.Image.from_registry("vllm/vllm-openai:latest", add_python="3.12")
# ok: modal.image.unpinned-registry-image
pinned = modal.Image.from_registry("vllm/vllm-openai@sha256:3b1f0a7e4c6d2b8a9f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988")
CUDA_TAG = "12.4.1-devel-ubuntu22.04"
# ok: modal.image.unpinned-registry-image
templated = modal.Image.from_registry(f"nvidia/cuda:{CUDA_TAG}")

tools = (
    # ruleid: modal.image.runs-as-root
    modal.Image.debian_slim()
    # ruleid: modal.image.apt-install-remote-access-tool, modal.image.apt-install-download-tool
    .apt_install(
        "curl", "wget", "git", "openssh-client",
        "build-essential",
    )
)

# ruleid: modal.image.apt-install-remote-access-tool
# ruleid: modal.image.runs-as-root
debug = modal.Image.debian_slim().apt_install(["netcat-openbsd", "htop"])

# ruleid: modal.image.apt-install-download-tool
# ruleid: modal.image.runs-as-root
fetcher = modal.Image.debian_slim().apt_install("wget")

# ok: modal.image.apt-install-remote-access-tool, modal.image.apt-install-download-tool
# ruleid: modal.image.runs-as-root
needed = modal.Image.debian_slim(python_version="3.11").apt_install("libgomp1", "ffmpeg", "git")

# ruleid: modal.image.copies-whole-project
# ruleid: modal.image.runs-as-root
everything = modal.Image.debian_slim().copy_local_dir(".", "/app")

# ruleid: modal.image.copies-whole-project
# ruleid: modal.image.runs-as-root
cwd_copy = modal.Image.debian_slim().add_local_dir(Path.cwd(), remote_path="/root/project")

# ruleid: modal.image.runs-as-root
project = modal.Image.debian_slim().add_local_dir(
    # ruleid: modal.image.copies-whole-project
    local_path="./",
    remote_path="/app",
    copy=True,
)

# ok: modal.image.copies-whole-project
# ruleid: modal.image.runs-as-root
filtered = modal.Image.debian_slim().add_local_dir(".", remote_path="/app", ignore=["*.env", ".git", "**/__pycache__"])

# ok: modal.image.copies-whole-project
# ruleid: modal.image.runs-as-root
only_src = modal.Image.debian_slim().add_local_dir("src/inference", remote_path="/root/inference")

# ok: modal.image.copies-whole-project
# ruleid: modal.image.runs-as-root
model_file = modal.Image.debian_slim().add_local_file("model.py", "/app/model.py")
