"""Tensor handler whose requirements leave torch to the base image, at any version."""
import io

import torch
from ts.torch_handler.base_handler import BaseHandler


class TensorHandler(BaseHandler):
    def preprocess(self, data):
        body = data[0].get("body")
        # ruleid: torchserve.handler.request-deserialization
        return [torch.load(io.BytesIO(body))]
