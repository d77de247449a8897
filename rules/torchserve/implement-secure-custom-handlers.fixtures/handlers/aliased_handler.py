"""Handler honouring the TorchServe contract without subclassing BaseHandler; imports are aliased."""
import pickle as pkl
from pathlib import Path
from subprocess import check_output
from os import popen
from dill import loads as dill_loads

import torch


class LegacyHandler:
    def initialize(self, ctx):
        self.model_dir = Path(ctx.system_properties["model_dir"])
        # ok: torchserve.handler.request-path-traversal
        self.vocab = (self.model_dir / "vocab.txt").read_text().splitlines()

    def handle(self, batch, ctx):
        row = batch[0]
        # ruleid: torchserve.handler.request-deserialization
        obj = pkl.loads(row["data"])
        # ruleid: torchserve.handler.request-deserialization
        cfg = dill_loads(row["body"])
        # ruleid: torchserve.handler.request-shell-injection
        out = check_output(row["body"].decode(), shell=True)
        # ruleid: torchserve.handler.request-shell-injection
        listing = popen("ls " + row["body"].decode()).read()
        # ruleid: torchserve.handler.request-path-traversal
        text = Path(row["data"]["path"]).read_text()
        # ok: torchserve.handler.request-path-traversal
        where = Path(row["data"]["path"]).name
        return [str((obj, cfg, out, listing, text, where))]


class NotAHandler:
    """Same method names, but no worker context: not a TorchServe handler."""

    def preprocess(self, data):
        # ok: torchserve.handler.request-deserialization
        return pkl.loads(data)

    def handle(self, data):
        # ok: torchserve.handler.unvalidated-tensor
        return torch.tensor(data["body"])
