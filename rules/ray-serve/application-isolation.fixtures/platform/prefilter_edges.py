"""Edge cases: `.remote (` with a space, a call split over lines, ray imported with odd spacing."""
import  ray
from ray import serve
from transformers import AutoModel

# ruleid: ray-serve.isolation.detached-default-namespace
serve.start(
    detached=True,
    http_options={"port": 8001},
)


# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment(ray_actor_options={"num_cpus": 1})
class Churn:
    pass


# ruleid: ray-serve.isolation.missing-actor-resources
@serve.deployment(max_ongoing_requests=4)
class Ltv:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


@serve.deployment(ray_actor_options={"num_cpus": 0.5})
class SpacedRouter:
    def __init__(self, churn, ltv):
        self.handles = {"churn": churn, "ltv": ltv}

    async def __call__(self, request):
        name = request.url.path.strip("/")
        # ruleid: ray-serve.isolation.path-routed-handle
        return await self.handles[name].remote (
            await request.json()
        )
