"""Two tenants' models behind an authenticated router."""
import os

import ray
from fastapi import FastAPI, Header, HTTPException, Security
from fastapi.security import APIKeyHeader
from ray import serve

ray.init(address="auto", namespace="tenants-prod")
# ok: ray-serve.isolation.detached-default-namespace
serve.start(detached=True)

api = FastAPI()
key_header = APIKeyHeader(name="X-Tenant-Key")
TENANT_KEYS = {"acme": os.environ.get("ACME_KEY"), "globex": os.environ.get("GLOBEX_KEY")}


# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment(name="acme_model", ray_actor_options={"num_cpus": 2, "memory": 4 * 1024**3})
class AcmeModel:
    def __call__(self, payload):
        return {"tenant": "acme"}


# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment(ray_actor_options={"num_cpus": 2, "num_gpus": 1})
class GlobexModel:
    def __call__(self, payload):
        return {"tenant": "globex"}


# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment
@serve.ingress(api)
class TenantRouter:
    def __init__(self, acme, globex):
        self.routes = {"acme": acme, "globex": globex}

    @api.post("/{tenant}/predict")
    async def predict(self, tenant: str, body: dict, key: str = Security(key_header)):
        if TENANT_KEYS.get(tenant) != key:
            raise HTTPException(status_code=401)
        # ok: ray-serve.isolation.path-routed-handle
        return await self.routes[tenant].remote(body)


# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment(max_ongoing_requests=4)
class Audit:
    pass


audit = Audit.options(ray_actor_options={"num_cpus": 0.5}).bind()
app = TenantRouter.bind(AcmeModel.bind(), GlobexModel.bind())
