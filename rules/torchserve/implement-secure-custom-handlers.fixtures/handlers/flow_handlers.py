# Request data followed through a handler: other keys, several assignments, helpers, derived values.
import io
import os
import subprocess

import pandas as pd
import pytesseract
import sympy
from PIL import Image
from ts.torch_handler.base_handler import BaseHandler

ALLOWED_TABLES = {"iris.csv", "wine.csv"}


def run_shell(cmd):
    return subprocess.run(cmd, shell=True, check=True)


class TableHandler(BaseHandler):
    def preprocess(self, data):
        row = data[0]
        path = row["input_file_path"]
        full = os.path.join("/srv/tables", path)
        # ruleid: torchserve.handler.request-path-traversal
        frame = pd.read_csv(full)
        name = row.get("table")
        if name not in ALLOWED_TABLES:
            raise ValueError(f"unknown table {name}")
        # ok: torchserve.handler.request-path-traversal
        other = pd.read_csv(os.path.join("/srv/tables", name))
        # ok: torchserve.handler.request-path-traversal
        third = open(os.path.join("/srv/tables", os.path.basename(path)))
        # ruleid: torchserve.handler.request-path-traversal
        return [frame, other, third, self._load(path)]

    def _load(self, path):
        with open(path, "rb") as f:
            return f.read()

    def postprocess(self, data):
        # ruleid: torchserve.handler.request-shell-injection
        run_shell(f"convert {data[0]['image_name']} /tmp/out.png")
        # ok: torchserve.handler.request-shell-injection
        run_shell("nvidia-smi")
        return data


class FormulaHandler(BaseHandler):
    def handle(self, data, context):
        image = Image.open(io.BytesIO(data[0]["body"]))
        text = pytesseract.image_to_string(image)
        # ruleid: torchserve.handler.request-code-eval
        expr = sympy.parse_expr(text)
        # ok: torchserve.handler.request-code-eval
        fixed = sympy.parse_expr("x**2 + 1")
        return [str(expr), str(fixed)]
