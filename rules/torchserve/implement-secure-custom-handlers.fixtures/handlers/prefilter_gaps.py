"""Request-path calls with comments between the callee and its parenthesis or dot."""
import pickle

from ts.torch_handler.base_handler import BaseHandler


class GapHandler(BaseHandler):
    def handle(self, data, context):
        # ruleid: torchserve.handler.request-deserialization
        rows = [(pickle  # the legacy clients still send pickles
                 .loads(row["body"])) for row in data]
        return rows

    def postprocess(self, data):
        # ruleid: torchserve.handler.request-code-eval
        return [(eval  # "trusted" formulas
                 (row)) for row in data]
