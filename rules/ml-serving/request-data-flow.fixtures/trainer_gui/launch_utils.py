# A module of helpers with no route of its own: its sinks are reported where a route hands them request data.
import subprocess
import sys


def run(command, desc=None, shell=None):
    if shell is None:
        shell = False if sys.platform == "win32" else True
    # ok: ml-serving.request.shell-injection
    return subprocess.run(command, shell=shell)


def run_listed(args):
    # ok: ml-serving.request.shell-injection
    return subprocess.run(args, shell=False)


class Trainer:
    def start(self, config_path, log_dir):
        # ok: ml-serving.request.path-traversal
        open(log_dir + "/train.log", "a").write("start\n")
        # ok: ml-serving.request.shell-injection
        subprocess.run(f"accelerate launch train.py --config {config_path}", shell=True)
