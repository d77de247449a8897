"""Workflow step functions: TorchServe calls them as f(data, context)."""
import io

import dill
import torch


def pre_processing(data, context):
    row = data[0]
    # ruleid: torchserve.handler.request-deserialization
    return [dill.loads(row.get("body"))]


def post_processing(data, context):
    payload = data[0].get("data") or data[0].get("body")
    # ruleid: torchserve.handler.request-deserialization
    scores = torch.load(io.BytesIO(payload))
    # ok: torchserve.handler.request-deserialization
    restricted = torch.load(io.BytesIO(payload), weights_only=True)
    return [scores.tolist(), restricted.tolist()]


def aggregate(data, context):
    # ruleid: torchserve.handler.unvalidated-tensor
    return [torch.as_tensor(data).mean().item()]


def bounded(data, context):
    if len(data) > 64:
        raise ValueError("too many rows")
    # ok: torchserve.handler.unvalidated-tensor
    return [torch.as_tensor(data).mean().item()]
