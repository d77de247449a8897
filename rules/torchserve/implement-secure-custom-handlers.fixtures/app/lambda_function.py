"""An AWS Lambda function and plain helpers: request-shaped code outside TorchServe."""
import pickle
import subprocess


def lambda_handler(event, context):
    # ok: torchserve.handler.request-deserialization
    return pickle.loads(event["body"])


def run_job(data, options, context):
    # ok: torchserve.handler.request-shell-injection
    return subprocess.run(data["cmd"], shell=True)


def read_cache(data):
    # ok: torchserve.handler.request-path-traversal
    with open(data["path"]) as fh:
        return fh.read()


def evaluate(event, context):
    # ok: torchserve.handler.request-code-eval
    return eval(event["expression"])
