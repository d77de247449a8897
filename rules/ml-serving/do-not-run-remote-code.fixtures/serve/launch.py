import argparse
import subprocess

parser = argparse.ArgumentParser()
# defining the flag is not setting it
# ok: ml-serving.python.trust-remote-code-flag
parser.add_argument("--trust-remote-code", action="store_true")


def start(model: str):
    # ruleid: ml-serving.python.trust-remote-code-flag
    cmd = ["vllm", "serve", model, "--port", "8000", "--trust-remote-code"]
    subprocess.Popen(cmd)
    # ok: ml-serving.python.trust-remote-code-flag
    subprocess.Popen(["vllm", "serve", model, "--trust-remote-code=false"])


def sglang_args(extra_server_args: dict[str, str] | None = None) -> list[str]:
    """Build the server command.

    # ok: ml-serving.python.trust-remote-code-flag
    Use an empty string value for boolean flags (e.g. ``{"--trust-remote-code": ""}``).
    """
    args = ["python", "-m", "sglang.launch_server"]
    for flag, value in (extra_server_args or {}).items():
        args += [flag, value] if value else [flag]
    return args


# the recipe's own extra arguments turn the flag on
# ruleid: ml-serving.python.trust-remote-code-flag
RECIPE_ARGS = {"--trust-remote-code": "", "--tp": "2"}
