"""Edge shapes for the handler checks' prefilters: methods and parameters spelled other ways, spaced calls."""
import os
import subprocess
from pathlib import Path

import cPickle
import pickle
import torch
from pickle import loads as unpack
from ts.torch_handler.base_handler import BaseHandler
from ts.torch_handler.text_handler import TextHandler


class PredictOnlyHandler(BaseHandler):
    # no handle/preprocess method and no context parameter anywhere in the class
    def predict(self, data):
        # ruleid: torchserve.handler.request-deserialization
        return [pickle . loads(data[0]["body"])]


class AliasHandler(TextHandler):
    def inference(self, batch):
        # ruleid: torchserve.handler.request-deserialization
        return [unpack(batch)]


# a function handler whose context is called ctx
def unpack_step(data, ctx):
    # ruleid: torchserve.handler.request-deserialization
    return [cPickle.loads(data[0].get("body"))]


# trailing comma after ctx; a space before the call's parenthesis
def shell_step(data, ctx,):
    # ruleid: torchserve.handler.request-shell-injection
    return [os.system (data[0]["body"].decode())]


class StatusHandler(BaseHandler):
    def handle(self, data, context):
        cmd = data[0].get("cmd")
        # ruleid: torchserve.handler.request-shell-injection
        status, out = subprocess.getstatusoutput(cmd)
        # ruleid: torchserve.handler.request-shell-injection
        listing = subprocess.check_output(cmd, shell =True)
        return [out, listing]


# a handler class recognised by `def initialize(self, ctx)` only
class FileHandler:
    def initialize(self, ctx):
        self.root = ctx.system_properties.get("model_dir")

    def preprocess(self, requests):
        name = requests[0].get("data")
        # ruleid: torchserve.handler.request-path-traversal
        with open (name) as fh:
            text = fh.read()
        # ruleid: torchserve.handler.request-path-traversal
        extra = Path(
            name
        ).read_text()
        # ok: torchserve.handler.request-path-traversal
        labels = Path(self.root).joinpath("labels.txt")
        return [text, extra, labels]


class SpacedTensorHandler(BaseHandler):
    def _pre_process(self, data):
        # ruleid: torchserve.handler.unvalidated-tensor
        return torch.Tensor (data[0]["body"])

    def explain_handle(self, data_preprocess, raw_data):
        # ruleid: torchserve.handler.request-code-eval
        return eval (raw_data[0]["body"])
