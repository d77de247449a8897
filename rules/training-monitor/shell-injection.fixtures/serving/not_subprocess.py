# Outside a module that imports subprocess, shell=True belongs to some other API.
from fabric import Connection


def deploy(host: str, tag: str) -> None:
    conn = Connection(host)
    # ok: training-monitor.shell.subprocess-shell-interpolated
    conn.run(f"docker pull trainer:{tag}", shell=True)
    # platform.system() style calls are not os.system
    # ok: training-monitor.shell.os-system-interpolated
    conn.system(f"echo {tag}")
