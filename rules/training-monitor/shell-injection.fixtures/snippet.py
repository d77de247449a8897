"""No web framework here: a command is reported only when a spliced value comes from out of view."""
import os


def cleanup(run_dir: str) -> None:
    # the caller's own argument, in an operator's module
    # ok: training-monitor.shell.os-system-interpolated
    os.system(f"rm -rf {run_dir}/tmp")


# a name this module never binds: nothing says it is the operator's
# ruleid: training-monitor.shell.os-system-interpolated
os.system(f"rm -rf {user_input}")
# ruleid: training-monitor.shell.os-system-interpolated
os.system("rm -rf " + target_dir)
