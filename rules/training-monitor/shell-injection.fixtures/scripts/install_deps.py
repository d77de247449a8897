# An operator's script (no web or serving framework here): its commands are built from its own arguments, not
# a caller's, so the pattern checks do not report them (a request that reaches a shell is the data-flow checks').
import os
import platform
import sys

ARCHIVER_ARGS = ["--model-name", "resnet", "--version", "1.0"]


class Installer:
    def __init__(self):
        self.sudo_cmd = "sudo "

    def install_system_packages(self, packages: str):
        # constant prefixes assembled from literals are not injection points
        # ok: training-monitor.shell.os-system-interpolated
        os.system(f"{self.sudo_cmd}apt-get update")
        check = "where" if platform.system() == "Windows" else "which"
        # ok: training-monitor.shell.os-system-interpolated
        os.system(f"{check} conda")
        # ok: training-monitor.shell.os-system-interpolated
        os.system(f"{sys.executable} -m pip install -r requirements/torch_{platform.system().lower()}.txt")
        # ok: training-monitor.shell.os-system-interpolated
        os.system(f"{self.sudo_cmd}apt-get install -y {packages}")

    def archive(self, model_file: str):
        cmd = ["torch-model-archiver", "--export-path", "model_store", *ARCHIVER_ARGS]
        # ok: training-monitor.shell.os-system-interpolated
        os.system(" ".join(cmd))
        weights_cmd = ["torch-model-archiver", "--serialized-file", model_file]
        # ok: training-monitor.shell.os-system-interpolated
        os.system(" ".join(weights_cmd))


class LinuxInstaller(Installer):
    def __init__(self):
        super().__init__()
        self.sudo_cmd = "" if os.geteuid() == 0 else self.sudo_cmd

    def install_java(self):
        # ok: training-monitor.shell.os-system-interpolated
        os.system(f"{self.sudo_cmd}apt-get install -y openjdk-17-jdk")
        # ok: training-monitor.shell.os-system-interpolated
        os.system(". /etc/os-release\n" + f"{self.sudo_cmd}apt-get update")
