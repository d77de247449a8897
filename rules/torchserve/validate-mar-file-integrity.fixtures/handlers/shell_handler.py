"""Handler with the TorchServe contract but no BaseHandler; aliases for pickle and subprocess."""
import pickle as pkl
import subprocess as sp
from os import system


class ConverterHandler:
    def initialize(self, context):
        # ruleid: torchserve.mar.pickle-model-load
        self.model = pkl.load(open("model.pkl", "rb"))
        # ruleid: torchserve.mar.handler-shell-exec
        system("pip install -r extra-requirements.txt")

    def handle(self, data, context):
        command = data[0].get("command")
        # ruleid: torchserve.mar.handler-shell-exec
        return [sp.check_output(command, shell=True)]

    def cleanup(self):
        # ok: torchserve.mar.handler-shell-exec
        sp.run(["rm", "-f", "/tmp/converter.lock"], check=False)


def warm_cache(path):
    # ruleid: torchserve.mar.handler-shell-exec
    sp.Popen("cp -r %s /dev/shm/cache" % path, shell=True)
