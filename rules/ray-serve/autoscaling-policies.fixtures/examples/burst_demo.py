"""A tutorial deployment: a note (low) in an example, a finding in production code."""
from ray import serve
from transformers import pipeline


# ruleid: ray-serve.autoscaling.missing-replica-resources (low)
@serve.deployment(autoscaling_config={"min_replicas": 1, "max_replicas": 20})
class BurstDemo:
    def __init__(self):
        self.classifier = pipeline("sentiment-analysis")

    def __call__(self, text: str):
        return self.classifier(text)
