"""A TorchServe workflow's function steps: each step hands the next one tensors serialized into bytes."""
import base64
from io import BytesIO

import torch


def weighted_average(data, context):
    def to_tensor(bs):
        # a previous step's output, in memory: no file of the archive
        # ok: torchserve.mar.pickle-model-load
        return torch.load(BytesIO(bs))

    return [to_tensor(data[0]["g51"]) * 0.5 + to_tensor(data[0]["g52"]) * 0.5]


def initialize(data, context):
    # ruleid: torchserve.mar.pickle-model-load
    return torch.load(f"{context.system_properties['model_dir']}/weights.pt")


def postprocess(data, context):
    # ok: torchserve.mar.pickle-model-load
    return [torch.load(BytesIO(base64.b64decode(item))) for item in data]
