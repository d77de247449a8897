from fastapi import FastAPI  # a module of the monitor's web app: its values may come from a request
import os
import shlex
import subprocess
import sys

CHECKPOINT_ROOT = "/checkpoints"


def purge(target_dir: str, checkpoint_dir: str) -> None:
    # ruleid: training-monitor.shell.os-system-interpolated
    os.system(f"rm -rf {target_dir}")
    # ok: training-monitor.shell.subprocess-shell-interpolated
    subprocess.run(["rm", "-rf", checkpoint_dir], check=True)
    # ok: training-monitor.shell.os-system-interpolated
    os.system(f"rm -rf {shlex.quote(target_dir)}")
    # ok: training-monitor.shell.os-system-interpolated
    os.system("nvidia-smi")
    # ok: training-monitor.shell.os-system-interpolated
    os.system(f"{sys.executable} -m pip list")
    # ok: training-monitor.shell.os-system-interpolated
    os.system("du -sh " + CHECKPOINT_ROOT)


def archive(run_id: str, bucket: str) -> str:
    # ruleid: training-monitor.shell.os-system-interpolated
    listing = os.popen("ls -la %s" % os.path.join(CHECKPOINT_ROOT, run_id)).read()
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    subprocess.run(
        "tar czf /tmp/{}.tgz {}".format(run_id, CHECKPOINT_ROOT),
        shell=True,
        check=True,
    )
    cmd = "aws s3 cp /tmp/" + run_id + ".tgz s3://" + bucket + "/"
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    subprocess.check_call(cmd, shell=True)
    # ok: training-monitor.shell.subprocess-shell-interpolated
    subprocess.check_call(cmd.split())
    # ok: training-monitor.shell.subprocess-shell-interpolated
    subprocess.run("sync && df -h", shell=True, check=True)
    # ok: training-monitor.shell.subprocess-shell-interpolated
    subprocess.run(f"rm -f {shlex.quote(run_id)}.tgz", shell=True, check=True)
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    proc = subprocess.Popen(shell=True, args=f"gsutil ls gs://{bucket}/{run_id}", stdout=subprocess.PIPE)
    # ok: training-monitor.shell.subprocess-shell-interpolated
    subprocess.run(f"echo {run_id}", shell=False)
    return listing + str(proc.pid)


def notify(message: str) -> None:
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    subprocess.run([f"notify-send '{message}'"], shell=True)
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    subprocess.call(" ".join(["wall", message]), shell=True)


def start_visdom(port: int, host: str) -> None:
    # a format of numbers only puts digits in the command
    cmd = sys.executable + " -m visdom.server -p %d &>/dev/null &" % port
    # ok: training-monitor.shell.subprocess-shell-interpolated
    subprocess.Popen(cmd, shell=True)
    # ok: training-monitor.shell.os-system-interpolated
    os.system("nvidia-smi -i %d -pl %.0f" % (port, 250.0))
    # ruleid: training-monitor.shell.os-system-interpolated
    os.system("visdom -p %d --hostname %s" % (port, host))
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    subprocess.Popen(sys.executable + " -m visdom.server -p %d " % port + host, shell=True)
