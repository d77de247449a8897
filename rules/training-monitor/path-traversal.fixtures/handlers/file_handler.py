import io
import json

from PIL import Image
from ts.torch_handler.base_handler import BaseHandler


class FileHandler(BaseHandler):
    def preprocess(self, data):
        images = []
        for row in data:
            # ok: training-monitor.path.request-data
            images.append(Image.open(io.BytesIO(row.get("data") or row.get("body"))))
        return images

    def handle(self, data, context):
        request = json.loads(data[0]["body"])
        location = data[0].get("path")
        # ruleid: training-monitor.path.request-data
        with open(location) as fh:
            text = fh.read()
        # ok: training-monitor.path.request-data
        with open(self.manifest["model"]["serializedFile"]) as fh:
            weights = fh.read()
        return [text, weights, request]

    def inference(self, data):
        outputs = []
        for row in data:
            # ruleid: training-monitor.path.request-data
            outputs.append(open(row["path"]).read())
        return outputs
