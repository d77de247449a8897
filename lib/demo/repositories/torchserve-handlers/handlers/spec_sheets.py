"""Handler that classifies scanned spec sheets stored on the shared volume."""
import os

import torch
from ts.torch_handler.base_handler import BaseHandler

SPEC_ROOT = "/mnt/spec-sheets"


class SpecSheetHandler(BaseHandler):
    def preprocess(self, data):
        pages = []
        for row in data:
            name = row.get("body")["file"]
            with open(os.path.join(SPEC_ROOT, name), "rb") as fh:
                pages.append(fh.read())
        return pages

    def inference(self, pages):
        scores = [self.model(torch.frombuffer(bytearray(p), dtype=torch.uint8).float()) for p in pages]
        return [s.argmax().item() for s in scores]
