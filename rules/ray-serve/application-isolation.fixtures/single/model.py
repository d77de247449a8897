"""A module with one deployment: it still shares the cluster, so a missing reservation counts here too."""
from ray import serve
from transformers import AutoModel


# ruleid: ray-serve.isolation.missing-actor-resources
@serve.deployment
class OnlyModel:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment(ray_actor_options={"num_cpus": 2, "memory": 4 * 1024**3})
class ReservedModel:
    pass


app = OnlyModel.bind()
