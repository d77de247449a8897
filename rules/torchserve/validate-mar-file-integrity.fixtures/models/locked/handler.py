"""The service allows torch ^2.1, but its lock installs 2.6.0, where torch.load defaults to weights_only=True."""
import os

import torch
from ts.torch_handler.base_handler import BaseHandler


class LockedRankerHandler(BaseHandler):
    def initialize(self, context):
        model_dir = context.system_properties.get("model_dir")
        # ok: torchserve.mar.pickle-model-load
        self.model = torch.load(os.path.join(model_dir, "ranker.pt"))
