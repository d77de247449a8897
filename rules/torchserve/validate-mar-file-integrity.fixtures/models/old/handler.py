"""Ranker handler of a service that allows torch>=1.9: before 2.6 torch.load unpickles by default."""
import os

import torch
from ts.torch_handler.base_handler import BaseHandler


class LegacyRankerHandler(BaseHandler):
    def initialize(self, context):
        model_dir = context.system_properties.get("model_dir")
        # ruleid: torchserve.mar.pickle-model-load
        self.model = torch.load(os.path.join(model_dir, "ranker.pt"), map_location="cpu")
        # ok: torchserve.mar.pickle-model-load
        self.head = torch.load(os.path.join(model_dir, "head.pt"), weights_only=True)
        options = {"map_location": "cpu", "weights_only": True}
        # ok: torchserve.mar.pickle-model-load
        self.extra = torch.load(os.path.join(model_dir, "extra.pt"), **options)
