"""Ranker handler of a service that requires torch>=2.6, where torch.load defaults to weights_only=True."""
import os

import torch
from ts.torch_handler.base_handler import BaseHandler


class RankerHandler(BaseHandler):
    def initialize(self, context):
        model_dir = context.system_properties.get("model_dir")
        # ok: torchserve.mar.pickle-model-load
        self.model = torch.load(os.path.join(model_dir, "ranker.pt"), map_location="cpu")
        # ruleid: torchserve.mar.pickle-model-load
        self.legacy = torch.load(os.path.join(model_dir, "legacy.pt"), weights_only=False)
        options = {"map_location": "cpu"}
        # ok: torchserve.mar.pickle-model-load
        self.extra = torch.load(os.path.join(model_dir, "extra.pt"), **options)
