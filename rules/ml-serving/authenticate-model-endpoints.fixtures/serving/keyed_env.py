import os
import subprocess


def start() -> subprocess.Popen:
    env = dict(os.environ, VLLM_API_KEY=os.environ["SERVING_KEY"])
    # ok: ml-serving.llm-server.no-api-key
    return subprocess.Popen(["vllm", "serve", "org/model"], env=env)
