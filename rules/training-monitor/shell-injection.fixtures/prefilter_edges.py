"""Shapes at the edges of the shell-injection prefilters: one case per function."""
from fastapi import FastAPI  # a module of the monitor's web app: its values may come from a request
import os
import subprocess as sp
from os import system


def reset(run_dir):
    # whitespace between the name and its arguments
    # ruleid: training-monitor.shell.os-system-interpolated
    system (f"rm -rf {run_dir}/tmp")


def disk_usage(path):
    # a backslash continuation before the arguments
    # ruleid: training-monitor.shell.os-system-interpolated
    return os.popen \
        ("du -sh " + path).read()


def statuses(hosts):
    # a comment between the name and its arguments (legal inside brackets), through an aliased module
    return [
        # ruleid: training-monitor.shell.os-system-interpolated
        sp.getoutput  # one ssh per host
        (f"ssh {host} uptime")
        for host in hosts
    ]


def sync_bucket(bucket):
    # one space after "=" only
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    sp.run(f"aws s3 sync /data s3://{bucket}", shell= True, check=True)


def tail_log(name):
    # ruleid: training-monitor.shell.subprocess-shell-interpolated
    sp.Popen(
        "tail -n 100 /var/log/" + name,
        shell=  # needed for the glob
        True,
    )


def uptime():
    # ok: training-monitor.shell.os-system-interpolated
    return os.system("uptime")
