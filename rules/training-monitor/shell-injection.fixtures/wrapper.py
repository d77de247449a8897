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


PREFIX = "/opt/tools"
install_root = "/home/app/.local"


def build_from_source(packages_file):
    import os
    import tempfile

    version = "1.28.1"
    url = f"https://example.org/download/tool-{version}.tar.gz"
    cores = os.cpu_count() or 2
    with tempfile.TemporaryDirectory() as tmpdir:
        tar_path = os.path.join(tmpdir, "tool.tar.gz")
        # Built only from the code's own literals, a temp directory and a core count: nothing from outside.
        # ok: training-monitor.shell.wrapper-interpolated
        sh(f"curl -L -o {tar_path} {url}")
        # ok: training-monitor.shell.wrapper-interpolated
        sh(f"./configure --prefix={install_root} && make -j{cores}")
        packages = [
            # pinned for the image
            "numpy>=1.24",
            "pandas>=2.0",
        ]
        for package in packages:
            # ok: training-monitor.shell.wrapper-interpolated
            sh(f"pip install {package} --target {PREFIX}")
        # A value read from a file is not the code's own.
        with open(packages_file) as f:
            extra = f.read().strip()
        # ruleid: training-monitor.shell.wrapper-interpolated
        sh(f"pip install {extra}")
        # A name bound to a constant in one branch and to data in another is not constant.
        target = "/tmp/out" if cores else packages_file
        # ruleid: training-monitor.shell.wrapper-interpolated
        sh(f"cp {tar_path} {target}")
        for line in open(packages_file):
            # ruleid: training-monitor.shell.wrapper-interpolated
            sh(f"pip install {line}")
