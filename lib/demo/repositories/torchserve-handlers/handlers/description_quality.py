"""Custom handler for the product-description quality model (DistilBERT)."""
import json
import pickle

import torch
from ts.torch_handler.base_handler import BaseHandler
from transformers import AutoTokenizer


class DescriptionQualityHandler(BaseHandler):
    def initialize(self, context):
        super().initialize(context)
        model_dir = context.system_properties.get("model_dir")
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)

    def preprocess(self, data):
        texts = []
        for row in data:
            body = row.get("data") or row.get("body")
            # Batch jobs send pickled lists of descriptions; the web app sends JSON.
            payload = pickle.loads(body) if isinstance(body, (bytes, bytearray)) else json.loads(body)
            texts.extend(payload["texts"])
        return self.tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")

    def inference(self, inputs):
        with torch.inference_mode():
            return self.model(**inputs).logits.softmax(-1)

    def postprocess(self, outputs):
        return [{"quality": float(p[1])} for p in outputs]
