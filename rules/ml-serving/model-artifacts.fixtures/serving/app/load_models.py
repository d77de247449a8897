import io
import os
import pickle
from pathlib import Path

import joblib
import numpy as np
import torch

MODEL_DIR = Path(__file__).parent / "models"


def load_classifier():
    with open(os.path.join("model-store", "classifier.pkl"), "rb") as f:
        # ruleid: ml-serving.artifact.unsafe-load
        return pickle.load(f)


def load_estimator(model_dir):
    # ruleid: ml-serving.artifact.unsafe-load
    return joblib.load(os.path.join(model_dir, "estimator.joblib"))


def load_weights(path):
    # torch may be older than 2.6 here (requirements.txt: torch>=2.0): the default still unpickles
    # ruleid: ml-serving.artifact.unsafe-load
    state = torch.load(path, map_location="cpu")
    # ruleid: ml-serving.artifact.unsafe-load
    legacy = torch.load(path, weights_only=False)
    # ok: ml-serving.artifact.unsafe-load
    safe = torch.load(path, weights_only=True)
    # ok: ml-serving.artifact.unsafe-load
    arrays = np.load(path)
    # ruleid: ml-serving.artifact.unsafe-load
    objects = np.load(path, allow_pickle=True)
    return state, legacy, safe, arrays, objects


def decode_payload(body: bytes):
    # in-memory bytes are a request payload, not a model file: the data-flow checks decide
    # ok: ml-serving.artifact.unsafe-load
    return pickle.load(io.BytesIO(body))


def decode_bytes(blob: bytes):
    # ok: ml-serving.artifact.unsafe-load
    return pickle.loads(blob)
