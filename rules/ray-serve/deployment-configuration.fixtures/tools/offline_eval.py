"""Offline evaluation script: not a Serve deployment, so none of the deployment checks apply."""
import pickle

from flask import Flask

app = Flask(__name__)


class Evaluator:
    def __init__(self, path):
        with open(path, "rb") as fh:
            # ok: ray-serve.deployment.pickle-model-load
            self.model = pickle.load(fh)

    async def __call__(self, request):
        data = await request.json()
        # ok: ray-serve.request.unbounded-payload
        return self.model(data)


def http_options():
    # not Ray: the Flask dev server
    # ok: ray-serve.http.public-bind
    return {"http_options": {"host": "0.0.0.0"}}


if __name__ == "__main__":
    app.run(host="0.0.0.0")
