import io

from PIL import Image
from ts.torch_handler.base_handler import BaseHandler


class BatchFileHandler(BaseHandler):
    def inference(self, data):
        # ruleid: training-monitor.path.request-data
        return [open(row["path"]).read() for row in data]

    def preprocess(self, data):
        # ok: training-monitor.path.request-data
        return [Image.open(io.BytesIO(row.get("body"))) for row in data]
