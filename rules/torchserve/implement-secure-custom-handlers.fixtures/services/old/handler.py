"""Tensor handler of a conda environment pinning pytorch=2.1, where torch.load unpickles by default."""
import io

import torch
from ts.torch_handler.base_handler import BaseHandler


class TensorHandler(BaseHandler):
    def preprocess(self, data):
        body = data[0].get("body")
        # ruleid: torchserve.handler.request-deserialization
        tensor = torch.load(io.BytesIO(body), map_location="cpu")
        # ok: torchserve.handler.request-deserialization
        restricted = torch.load(io.BytesIO(body), weights_only=True)
        return [tensor, restricted]
