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


import ray
from ray.util.placement_group import placement_group


@ray.remote
class ShardWorker:
    def __init__(self, rank: int):
        self.model = AutoModel.from_pretrained("org/large-model")

    def generate(self, prompt: str):
        return self.model.generate(prompt)


# the model lives in GPU actors this replica starts with resources of their own: it coordinates them
# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment
class ShardedLLM:
    def __init__(self, shards: int):
        self.pg = placement_group([{"GPU": 1}] * shards)
        self.workers = [ShardWorker.options(num_gpus=1, placement_group=self.pg).remote(i) for i in range(shards)]

    async def __call__(self, prompt: str):
        return await self.generate_text(prompt)

    async def generate_text(self, prompt: str):
        return ray.get([w.generate.remote(prompt) for w in self.workers])[0]
