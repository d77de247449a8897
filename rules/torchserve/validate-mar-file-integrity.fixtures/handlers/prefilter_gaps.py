"""A handler module whose loader and shell calls carry comments inside their brackets."""
import subprocess

import torch


class GapHandler:
    def initialize(self, context):
        # ruleid: torchserve.mar.pickle-model-load
        self.model = torch.load("legacy.pt", weights_only=  # old checkpoint format
                                False)

    def handle(self, data, context):
        return [self.model(row) for row in data]


def refresh():
    # ruleid: torchserve.mar.handler-shell-exec
    subprocess.run("sync && sync", shell  # the command needs the shell's &&
                   =True)
