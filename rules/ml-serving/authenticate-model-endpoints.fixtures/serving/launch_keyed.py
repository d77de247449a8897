import os
import subprocess

MODEL = "org/model"


def keyed_in_list() -> subprocess.Popen:
    # ok: ml-serving.llm-server.no-api-key
    return subprocess.Popen(["vllm", "serve", MODEL, "--host", "0.0.0.0", "--api-key", os.environ["SERVING_KEY"]])


def keyed_later() -> subprocess.Popen:
    # ok: ml-serving.llm-server.no-api-key
    cmd = ["python", "-m", "sglang.launch_server", "--model-path", MODEL, "--host", "0.0.0.0"]
    cmd += ["--api-key", os.environ["SERVING_KEY"]]
    return subprocess.Popen(cmd)
