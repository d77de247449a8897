"""Custom handler for a scikit-learn model packaged in the archive."""
import json
import os
import pickle

import joblib
import torch
from ts.torch_handler.base_handler import BaseHandler


class SklearnHandler(BaseHandler):
    def initialize(self, context):
        model_dir = context.system_properties.get("model_dir")
        with open(os.path.join(model_dir, "model.pkl"), "rb") as fh:
            # ruleid: torchserve.mar.pickle-model-load
            self.model = pickle.load(fh)
        # ruleid: torchserve.mar.pickle-model-load
        self.scaler = joblib.load(os.path.join(model_dir, "scaler.joblib"))
        # ruleid: torchserve.mar.pickle-model-load
        self.head = torch.load(os.path.join(model_dir, "head.pt"), weights_only=False)
        # ok: torchserve.mar.pickle-model-load
        self.embed = torch.load(os.path.join(model_dir, "embed.pt"), map_location="cpu", weights_only=True)
        # ok: torchserve.mar.pickle-model-load
        self.scripted = torch.jit.load(os.path.join(model_dir, "model.pt"))
        with open(os.path.join(model_dir, "labels.json")) as fh:
            # ok: torchserve.mar.pickle-model-load
            self.labels = json.load(fh)

    def handle(self, data, context):
        rows = [json.loads(r.get("body") or r.get("data")) for r in data]
        return self.model.predict(self.scaler.transform(rows)).tolist()
