from fastapi import FastAPI  # a module of the monitor's web app: its values may come from a request
import os


def archive(run_dir):
    # ruleid: training-monitor.shell.os-system-interpolated
    os.system(  # tar the run for upload
        f"tar czf /tmp/run.tgz {run_dir}"
    )
