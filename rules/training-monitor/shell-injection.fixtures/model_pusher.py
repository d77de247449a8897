"""A pipeline step that uses BentoML's model store and CLI, and serves nothing: its commands are the operator's."""
import os

import bentoml

MODEL = "network-model"


def push(model_uri: str, image: str) -> None:
    bentoml.mlflow.import_model(name=MODEL, model_uri=model_uri)
    # ok: training-monitor.shell.os-system-interpolated
    os.system(f"bentoml containerize {MODEL}:latest -t {image}")
