import argparse
import subprocess

parser = argparse.ArgumentParser()
# defining the flag is not setting it
# ok: ml-serving.cli.trust-remote-code
parser.add_argument("--trust-remote-code", action="store_true")


def start(model: str):
    # ruleid: ml-serving.cli.trust-remote-code
    cmd = ["vllm", "serve", model, "--port", "8000", "--trust-remote-code"]
    subprocess.Popen(cmd)
    # ok: ml-serving.cli.trust-remote-code
    subprocess.Popen(["vllm", "serve", model, "--trust-remote-code=false"])
