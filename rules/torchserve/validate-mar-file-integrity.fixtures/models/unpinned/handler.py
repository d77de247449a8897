"""A handler whose requirements do not name torch: it comes from the base image, at any version."""
import os

import torch
from ts.torch_handler.base_handler import BaseHandler


class ImageRankerHandler(BaseHandler):
    def initialize(self, context):
        model_dir = context.system_properties.get("model_dir")
        # ruleid: torchserve.mar.pickle-model-load
        self.model = torch.load(
            os.path.join(model_dir, "ranker.pt"),
            map_location="cpu",
        )
        # ok: torchserve.mar.pickle-model-load
        self.scripted = torch.jit.load(os.path.join(model_dir, "ranker.ts"))
