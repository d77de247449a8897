import os


def archive(run_dir):
    # ruleid: training-monitor.shell.os-system-interpolated
    os.system(  # tar the run for upload
        f"tar czf /tmp/run.tgz {run_dir}"
    )
