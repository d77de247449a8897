import subprocess


def start_head(dashboard: bool, port: int = 6379):
    cmd = ["ray", "start", "--head", "--port", str(port)]
    if dashboard:
        # ruleid: ray-serve.dashboard.args-public-bind
        cmd.extend(["--dashboard-host", "0.0.0.0"])
    subprocess.run(cmd, check=True)


def start_default():
    subprocess.run(
        [
            "ray",
            "start",
            "--head",
            # ruleid: ray-serve.dashboard.args-public-bind
            "--dashboard-host=0.0.0.0",
        ],
        check=True,
    )


def start_shell():
    # ruleid: ray-serve.dashboard.args-public-bind
    subprocess.run("ray start --head --dashboard-host 0.0.0.0 --block", shell=True, check=True)


def start_local():
    # ok: ray-serve.dashboard.args-public-bind
    subprocess.run(["ray", "start", "--head", "--dashboard-host", "127.0.0.1"], check=True)
    # a flag whose value comes next but is not a public address
    # ok: ray-serve.dashboard.args-public-bind
    args = ["--dashboard-host", "localhost", "--port", "0.0.0.0"]
    return args
