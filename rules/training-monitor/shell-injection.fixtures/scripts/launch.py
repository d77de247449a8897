# An operator's script (no web or serving framework here): its commands are built from its own arguments, not
# a caller's, so the pattern checks do not report them (a request that reaches a shell is the data-flow checks').
import subprocess as sp
from os import system
from subprocess import getoutput, run


def launch(config_path: str, gpus: int, extra: str) -> None:
    # ok: training-monitor.shell.subprocess-shell-interpolated
    sp.run(f"torchrun --nproc_per_node={gpus} train.py --config {config_path}", shell=True, check=True)
    # ok: training-monitor.shell.subprocess-shell-interpolated
    run("python eval.py " + extra, shell=True)
    # ok: training-monitor.shell.os-system-interpolated
    system("tensorboard --logdir " + config_path + " &")
    # ok: training-monitor.shell.os-system-interpolated
    print(getoutput(f"nvidia-smi -i {extra}"))
    # ok: training-monitor.shell.os-system-interpolated
    print(getoutput("nvidia-smi"))
    # ok: training-monitor.shell.subprocess-shell-interpolated
    sp.run(["torchrun", f"--nproc_per_node={gpus}", "train.py", "--config", config_path], check=True)


def run_command(cmd: str) -> int:
    # a generic wrapper: what it is given is judged at the call site
    # ok: training-monitor.shell.os-system-interpolated
    return system(cmd)
