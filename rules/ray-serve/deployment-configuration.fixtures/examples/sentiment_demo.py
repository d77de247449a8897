"""A tutorial deployment: a note (low) in an example, a finding in production code."""
from ray import serve
from transformers import pipeline


# ruleid: ray-serve.deployment.missing-resource-limits (low)
@serve.deployment
class SentimentDemo:
    def __init__(self):
        self.classifier = pipeline("sentiment-analysis")

    def __call__(self, text: str):
        return self.classifier(text)


app = SentimentDemo.bind()
