"""Tensor handler of a service that installs torch>=2.6: torch.load defaults to weights_only=True there."""
import io

import torch
from ts.torch_handler.base_handler import BaseHandler


class TensorHandler(BaseHandler):
    def preprocess(self, data):
        body = data[0].get("body")
        # ok: torchserve.handler.request-deserialization
        tensor = torch.load(io.BytesIO(body), map_location="cpu")
        # ruleid: torchserve.handler.request-deserialization
        legacy = torch.load(io.BytesIO(body), weights_only=False)
        return [tensor, legacy]
