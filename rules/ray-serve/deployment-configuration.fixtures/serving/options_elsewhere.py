# Limits given later with .options(...) excuse only the deployment they are given to.
from ray import serve
from transformers import AutoModel


# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Embedder:
    def __call__(self, text: str):
        return self.encode(text)


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Classifier:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")

    def __call__(self, vector):
        return self.head(vector)


embedder = Embedder.options(ray_actor_options={"num_gpus": 1}).bind()
classifier = Classifier.bind()
