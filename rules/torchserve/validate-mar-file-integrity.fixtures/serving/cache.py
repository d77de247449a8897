"""Not a handler module: a CLI helper that happens to use pickle and the shell."""
import pickle
import subprocess


def load_cache(path):
    with open(path, "rb") as fh:
        # ok: torchserve.mar.pickle-model-load
        return pickle.load(fh)


def disk_usage(directory):
    # ok: torchserve.mar.handler-shell-exec
    return subprocess.check_output(f"du -sh {directory}", shell=True)
