"""Build and start model archives; the safe path hashes every archive before use."""
import hashlib
import os
import subprocess
from pathlib import Path
from subprocess import Popen


def build_archive(name: str, weights: str, handler: str, out_dir: str) -> Path:
    # ok: torchserve.mar.unverified-model-launch
    subprocess.run(
        ["torch-model-archiver", "--model-name", name, "--version", "1.0",
         "--serialized-file", weights, "--handler", handler, "--export-path", out_dir],
        check=True,
    )
    mar = Path(out_dir) / f"{name}.mar"
    mar.with_suffix(".sha256").write_text(hashlib.sha256(mar.read_bytes()).hexdigest())
    return mar


def start_verified(mar_path: str, expected_sha256: str) -> None:
    digest = hashlib.sha256(Path(mar_path).read_bytes()).hexdigest()
    if digest != expected_sha256:
        raise RuntimeError("archive checksum mismatch")
    # ok: torchserve.mar.unverified-model-launch
    subprocess.run(["torchserve", "--start", "--ncs", "--models", f"model={mar_path}"], check=True)


def start_any(mar_path):
    # ruleid: torchserve.mar.unverified-model-launch
    subprocess.run(["torchserve", "--start", "--models", f"model={mar_path}"])


def start_from_store(store, archive):
    # ruleid: torchserve.mar.unverified-model-launch
    return Popen(
        [
            "torchserve",
            "--start",
            "--model-store", store,
            "--models", archive,
        ]
    )


def start_shell(model_file):
    # ruleid: torchserve.mar.unverified-model-launch
    os.system(f"torchserve --start --ncs --models classifier={model_file}")


def start_pinned():
    # a fixed archive from the image, not a caller-supplied path
    # ok: torchserve.mar.unverified-model-launch
    subprocess.run(["torchserve", "--start", "--models", "resnet=resnet-18.mar"], check=True)


def stop(name):
    # ok: torchserve.mar.unverified-model-launch
    subprocess.run(["torchserve", "--stop"], check=True)
