"""Everything on one cluster, nothing separated."""
from ray import serve
from ray.serve import deployment
from transformers import AutoModel

# ruleid: ray-serve.isolation.detached-default-namespace
serve.start(detached=True, http_options={"port": 8000})

# ok: ray-serve.isolation.detached-default-namespace
serve.start(detached=True, namespace="staging")

# ok: ray-serve.isolation.detached-default-namespace
serve.start(detached=False)


# ruleid: ray-serve.isolation.missing-actor-resources
@serve.deployment(name="churn_model", num_replicas=3)
class ChurnModel:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")

    def __call__(self, payload):
        return 0.1


# ruleid: ray-serve.isolation.missing-actor-resources
@serve.deployment
class LtvModel:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ruleid: ray-serve.isolation.missing-actor-resources
@deployment(max_ongoing_requests=8)
def score(payload):
    model = AutoModel.from_pretrained("org/model")
    return 1


@serve.deployment
class PathRouter:
    def __init__(self, churn, ltv):
        self.handles = {"churn": churn, "ltv": ltv}

    async def __call__(self, request):
        target = request.url.path.strip("/").split("/")[0]
        # ruleid: ray-serve.isolation.path-routed-handle
        return await self.handles[target].remote(await request.json())


@serve.deployment
class GetRouter:
    async def __call__(self, request):
        name = request.path_params["model"]
        handle = self.handles.get(name)
        # ruleid: ray-serve.isolation.path-routed-handle
        stream = self.handles.get(name).options(stream=True).remote(request)
        return stream


@serve.deployment
class InlineRouter:
    async def __call__(self, request):
        # ruleid: ray-serve.isolation.path-routed-handle
        return await self.handles[request.url.path.split("/")[1]].remote(request)


@serve.deployment
class HeaderCheckedRouter:
    async def __call__(self, request):
        if request.headers.get("authorization") != self.expected:
            return {"error": "unauthorized"}, 401
        target = request.url.path.split("/")[1]
        # ok: ray-serve.isolation.path-routed-handle
        return await self.handles[target].remote(request)


@serve.deployment
class BodyRouter:
    async def __call__(self, request):
        body = await request.json()
        # ok: ray-serve.isolation.path-routed-handle
        return await self.handles[body["route"]].remote(body)


# fetches objects and saves uploads; no model in this process: Ray's defaults are sound for it
# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment
class UploadGateway:
    def __init__(self):
        self.store = ObjectStore("s3://bucket")

    async def __call__(self, request):
        return await self.store.put(await request.body())
