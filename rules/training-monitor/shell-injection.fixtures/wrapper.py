# A helper that runs its argument through a shell, and the callers that build that argument.
import shlex
import subprocess

CACHE = "/tmp/cache"


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check)


def download(dataset, revision):
    # ruleid: training-monitor.shell.wrapper-interpolated
    sh(f"huggingface-cli download {dataset} --revision {revision}")
    # ruleid: training-monitor.shell.wrapper-interpolated
    sh("rm -rf " + dataset)
    # ok: training-monitor.shell.wrapper-interpolated
    sh(f"rm -rf {CACHE}")
    # ok: training-monitor.shell.wrapper-interpolated
    sh(f"rm -rf {shlex.quote(dataset)}")
    # ok: training-monitor.shell.wrapper-interpolated
    sh("nvidia-smi")
