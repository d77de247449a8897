"""Training options saved beside a checkpoint, read back when the model directory is loaded."""
import ast
import json
import re
from pathlib import Path


def read_model_params(path_file):
    params = {}
    with open(path_file) as f:
        for line in f.readlines():
            key = line.split(":")[0].strip()
            val = ":".join(line.split(":")[1:])
            val = re.sub(r"\[default.*?\]", "", val).strip()
            try:
                # ruleid: ml-serving.artifact.eval-file-content
                params[key] = eval(val)
            except Exception:
                params[key] = val
    return params


def load_settings(model_dir):
    with Path(model_dir, "settings.txt").open() as f:
        text = f.read()
    # ruleid: ml-serving.artifact.eval-file-content
    return eval(text)


def load_hooks(model_dir):
    # running a Python file of the project, as an import would
    with open(Path(model_dir, "hooks.py")) as f:
        source = f.read()
    # ok: ml-serving.artifact.eval-file-content
    exec(source)


def camera_index(sources_file):
    with open(sources_file) as f:
        s = f.read().strip()
    # ok: ml-serving.artifact.eval-file-content
    return eval(s) if s.isnumeric() else s


def read_params_safely(path_file):
    params = {}
    with open(path_file) as f:
        for line in f:
            key, _, val = line.partition(":")
            # ok: ml-serving.artifact.eval-file-content
            params[key.strip()] = ast.literal_eval(val.strip())
    return params


def scale_from_config(path_file, expression="1 + 1"):
    with open(path_file) as f:
        config = json.load(f)
    # ok: ml-serving.artifact.eval-file-content
    factor = eval(expression)
    return config["scale"] * factor
