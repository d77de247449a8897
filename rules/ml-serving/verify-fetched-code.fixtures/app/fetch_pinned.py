"""Clones the adapter repository, then checks out the reviewed commit."""
import subprocess

ADAPTER_SHA = "4f0c3b2a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"


def fetch_adapter(path: str) -> None:
    # ok: ml-serving.code.unpinned-git-clone
    subprocess.run(f"git clone https://github.com/example/adapter.git {path}", shell=True, check=True)
    subprocess.run(["git", "-C", path, "checkout", ADAPTER_SHA], check=True)
