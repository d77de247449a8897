import hashlib
import os

import bentoml
from bentoml import import_bento

image = (
    bentoml.images.Image(python_version="3.11")
    .system_packages("curl")
    # ok: bentoml.image.unpinned-python-package
    .python_packages("torch==2.3.1", "--extra-index-url https://download.pytorch.org/whl/cu121")
)

loose_image = bentoml.images.Image(python_version="3.11").python_packages(
    # ruleid: bentoml.image.unpinned-python-package
    "transformers",
    # ok: bentoml.image.unpinned-python-package
    "tokenizers>=0.19",
)

# ruleid: bentoml.bento.import-unverified
downloaded = bentoml.import_bento(os.environ["BENTO_ARCHIVE"])


def install_from_bucket(uri: str):
    # ruleid: bentoml.bento.import-unverified
    return import_bento(
        uri,
        protocol="s3",
    )


def sha256_of(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def install_pinned(path: str, expected_digest: str):
    if sha256_of(path) != expected_digest:
        raise RuntimeError("bento archive digest mismatch")
    # ok: bentoml.bento.import-unverified
    return bentoml.bentos.import_bento(path)


def install_signed(path: str, signature: bytes, public_key):
    verify_signature(public_key, signature, path)
    # ok: bentoml.bento.import-unverified
    return bentoml.import_bento(path)
