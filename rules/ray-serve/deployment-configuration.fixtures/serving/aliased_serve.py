# Serve imported under another name: the decorator is still a Serve deployment.
import ray.serve as rs
from ray import serve as sv
from transformers import AutoModel


# ruleid: ray-serve.deployment.missing-resource-limits
@rs.deployment
class Summarizer:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")

    def __call__(self, text: str):
        return text[:100]


# ruleid: ray-serve.deployment.missing-resource-limits
@sv.deployment(name="titles")
class Titler:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")

    def __call__(self, text: str):
        return text.title()


# ok: ray-serve.deployment.missing-resource-limits
@rs.deployment(ray_actor_options={"num_cpus": 1}, max_ongoing_requests=8)
class Bounded:
    def __call__(self, text: str):
        return text
