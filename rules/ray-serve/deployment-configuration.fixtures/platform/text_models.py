"""Deployments whose reservations live in the Serve config that deploys them (platform/serve_deploy.yaml)."""
from ray import serve
from transformers import pipeline


# the config gives text_classifier num_cpus and memory: the decorator need not
# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="text_classifier")
class TextClassifier:
    def __init__(self):
        self.pipe = pipeline("zero-shot-classification")


# named by its class in the config, reserved there too
# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment
class EntityTagger:
    def __init__(self):
        self.pipe = pipeline("ner")


# the config lists it but reserves nothing: still Ray's 1 CPU and no memory
# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="summarizer")
class Summarizer:
    def __init__(self):
        self.pipe = pipeline("summarization")
