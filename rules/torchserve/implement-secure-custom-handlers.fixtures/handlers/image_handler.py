"""Image classifier handler: decodes PNG/JPEG payloads, bounded in size and batch."""
import io
import json
import os

import torch
from PIL import Image
from ts.torch_handler.base_handler import BaseHandler

MAX_PAYLOAD = 8 * 1024 * 1024
MAX_BATCH = 16


class ResNetHandler(BaseHandler):
    def initialize(self, context):
        model_dir = context.system_properties.get("model_dir")
        # ok: torchserve.handler.request-deserialization
        self.model = torch.jit.load(os.path.join(model_dir, "resnet.pt"), map_location="cpu")
        # ok: torchserve.handler.request-path-traversal
        with open(os.path.join(model_dir, "index_to_name.json")) as fh:
            self.labels = json.load(fh)
        self.initialized = True

    def preprocess(self, data):
        if len(data) > MAX_BATCH:
            raise ValueError("batch too large")
        images = []
        for row in data:
            payload = row.get("data") or row.get("body")
            if not isinstance(payload, (bytes, bytearray)) or len(payload) > MAX_PAYLOAD:
                raise ValueError("expected an image of at most 8 MiB")
            img = Image.open(io.BytesIO(payload)).convert("RGB").resize((224, 224))
            # ok: torchserve.handler.unvalidated-tensor
            images.append(torch.tensor(list(img.getdata()), dtype=torch.float32))
        return torch.stack(images)

    def inference(self, data):
        with torch.no_grad():
            return self.model(data)

    def postprocess(self, inference_output):
        # ok: torchserve.handler.unvalidated-tensor
        probs = torch.tensor(inference_output).softmax(dim=1)
        return [{"top1": int(p.argmax())} for p in probs]


class TensorPayloadHandler(BaseHandler):
    """Accepts serialized tensors, loaded with the restricted unpickler."""

    def preprocess(self, data):
        body = data[0]["body"]
        if len(body) > MAX_PAYLOAD:
            raise ValueError("payload too large")
        # ok: torchserve.handler.request-deserialization
        tensor = torch.load(io.BytesIO(body), weights_only=True)
        # ok: torchserve.handler.unvalidated-tensor
        return torch.as_tensor(tensor)
