# The RayService that deploys this (k8s/reranker-service.yaml) gives the replica its resources in serveConfigV2.
from ray import serve
from transformers import AutoModel


# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Reranker:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/reranker")

    def __call__(self, pairs):
        return self.model(pairs)


app = Reranker.bind()
