import ast
import io
import os
import pickle
import subprocess

import numpy as np
import torch
from ts.torch_handler.base_handler import BaseHandler


class RawTensorHandler(BaseHandler):
    def preprocess(self, data):
        # ruleid: torchserve.handler.unvalidated-tensor
        return torch.tensor(data[0]["body"])

    def inference(self, data):
        return self.model(data)


class ConvertHandler(BaseHandler):
    def handle(self, data, context):
        cmd = data[0].get("cmd")
        # ruleid: torchserve.handler.request-shell-injection
        return subprocess.run(cmd, shell=True, capture_output=True).stdout


class ReportHandler(BaseHandler):
    def handle(self, data, context):
        name = data[0].get("report")
        # ruleid: torchserve.handler.request-path-traversal
        with open(os.path.join("/srv/reports", name)) as fh:
            return [fh.read()]


class FeatureHandler(BaseHandler):
    def handle(self, data, context):
        # ruleid: torchserve.handler.request-deserialization
        features = pickle.loads(data[0]["body"])
        return [self.model(features)]


class FormulaHandler(BaseHandler):
    def preprocess(self, data):
        expr = data[0]["body"].decode()
        # ruleid: torchserve.handler.request-code-eval
        weights = eval(expr)
        # ok: torchserve.handler.request-code-eval
        parsed = ast.literal_eval(expr)
        # ok: torchserve.handler.request-code-eval
        self.model.eval()
        # ruleid: torchserve.handler.unvalidated-tensor
        return torch.tensor([weights, parsed])

    def postprocess(self, data):
        # ruleid: torchserve.handler.request-code-eval
        exec(data[0])
        return data


class ArchiveHandler(BaseHandler):
    def preprocess(self, requests):
        out = []
        for req in requests:
            blob = req.get("body")
            # ruleid: torchserve.handler.request-deserialization
            out.append(torch.load(io.BytesIO(blob), map_location="cpu"))
            # ruleid: torchserve.handler.request-deserialization
            arr = np.load(io.BytesIO(blob), allow_pickle=True)
            # ok: torchserve.handler.request-deserialization
            safe = np.load(io.BytesIO(blob))
            out.append(arr + safe)
        return out

    def handle(self, data, context):
        target = data[0]["body"]["video"]
        # keyword order and a multi-line call
        # ruleid: torchserve.handler.request-shell-injection
        proc = subprocess.Popen(
            args=f"ffmpeg -i {target} -vf scale=224:224 /tmp/out.mp4",
            stdout=subprocess.PIPE,
            shell=True,
        )
        # ruleid: torchserve.handler.request-shell-injection
        os.system("rm -rf /tmp/cache/" + target)
        # ruleid: torchserve.handler.request-shell-injection
        subprocess.check_call(["bash", "-c", target])
        # an argument list without a shell is not a shell command
        # ok: torchserve.handler.request-shell-injection
        subprocess.run(["ffprobe", "-of", "json", target], check=True)
        # a fixed command
        # ok: torchserve.handler.request-shell-injection
        subprocess.run("nvidia-smi", shell=True)
        return [proc.communicate()[0]]


class TabularHandler(BaseHandler):
    def preprocess(self, data):
        rows = json.loads(data[0]["data"].decode("utf-8"))
        df = pd.DataFrame(rows)
        _enforce_schema(df, self.schema)
        # ok: torchserve.handler.unvalidated-tensor
        return torch.Tensor(list(df.iloc[0]))


class LiteralHandler(BaseHandler):
    def preprocess(self, data):
        body = data[0].get("body").decode("utf-8")
        # ruleid: torchserve.handler.unvalidated-tensor
        return torch.Tensor(ast.literal_eval(body))

    def _bounded(self, data):
        values = data[0]["body"]
        if len(values) > 1024:
            raise ValueError("too many values")
        # ok: torchserve.handler.unvalidated-tensor
        return torch.tensor(values)
