"""Deployments that only inherit their behaviour: what the base holds decides."""
from typing import Dict, List

from ray import serve
from transformers import pipeline
from vendor_models import RemoteClassifier


class ConstantScorer:
    def __call__(self, items: List[str]) -> List[Dict]:
        return [{"label": "ok", "score": 0.99} for _ in items]


class HubClassifier:
    def __init__(self):
        self.pipe = pipeline("text-classification")

    def __call__(self, text: str):
        return self.pipe(text)


# its base returns constants: nothing to reserve memory for
# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="constant")
class ConstantModel(ConstantScorer):
    pass


# its base loads a pipeline in this module
# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="hub")
class HubModel(HubClassifier):
    pass


# a base from another module may load anything
# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment(name="remote")
class RemoteModel(RemoteClassifier):
    pass
