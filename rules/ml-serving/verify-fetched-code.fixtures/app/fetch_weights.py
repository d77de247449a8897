"""A RAG app that fetches its fine-tuned weights on first start."""
import os
import subprocess

WEIGHTS_REPO = "https://code.example.org/team/legal-llm.git"


def ensure_weights(base_path: str) -> None:
    if not os.path.exists(base_path):
        # ruleid: ml-serving.code.unpinned-git-clone
        os.system(f"git clone {WEIGHTS_REPO} {base_path}")
        os.system(f"cd {base_path} && git lfs pull")


def ensure_tagged(base_path: str) -> None:
    # ok: ml-serving.code.unpinned-git-clone
    subprocess.run(["bash", "-c", f"git clone --branch v1.2.0 {WEIGHTS_REPO} {base_path}"], check=True)


def explain() -> str:
    # ok: ml-serving.code.unpinned-git-clone
    return f"Use 'git pull' to update or 'git clone {WEIGHTS_REPO}' to download the latest."
