"""Edge shapes for the archive checks' prefilters: other loader spellings, spaced keywords and calls."""
import asyncio
import os
import subprocess

import cPickle
import numpy as np
import torch
from dill import load as restore
from os import popen


class WarmHandler:
    def initialize(self, ctx):
        model_dir = ctx.system_properties["model_dir"]
        # ruleid: torchserve.mar.pickle-model-load
        self.vocab = cPickle.load(open(os.path.join(model_dir, "vocab.pkl"), "rb"))
        # ruleid: torchserve.mar.pickle-model-load
        self.index = np.load(os.path.join(model_dir, "index.npy"), allow_pickle =True)
        # ruleid: torchserve.mar.pickle-model-load
        self.head = torch.load(
            os.path.join(model_dir, "head.pt"),
            weights_only = False,
        )
        # ok: torchserve.mar.pickle-model-load
        self.table = np.load(os.path.join(model_dir, "table.npy"))
        # ruleid: torchserve.mar.handler-shell-exec
        self.gpu = popen ("nvidia-smi -L").read()
        # ruleid: torchserve.mar.handler-shell-exec
        self.disk = subprocess.getstatusoutput("df -h /models")

    def handle(self, data, ctx):
        return [len(self.vocab)] * len(data)


# ruleid: torchserve.mar.pickle-model-load
_TOKENIZER = restore(open("tokenizer.dill", "rb"))


async def prefetch(url):
    # ruleid: torchserve.mar.handler-shell-exec
    proc = await asyncio.create_subprocess_shell("curl -sO " + url)
    # ruleid: torchserve.mar.handler-shell-exec
    subprocess.run(
        "sync",
        shell = True,
    )
    # ok: torchserve.mar.handler-shell-exec
    subprocess.run(["sync"], check=False)
    return await proc.wait()
