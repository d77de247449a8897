import os

import ray
from ray import serve

if os.environ.get("DEBUG_DASHBOARD"):
    # ruleid: ray-serve.dashboard.init-public-bind
    ray.init(include_dashboard=True, dashboard_host="0.0.0.0", dashboard_port=8265)
else:
    # ok: ray-serve.dashboard.init-public-bind
    ray.init(dashboard_host="127.0.0.1")


def start_web(app):
    # some other framework's init with the same keyword is not Ray's
    # ok: ray-serve.dashboard.init-public-bind
    app.run(dashboard_host="0.0.0.0")


# ok: ray-serve.deployment.missing-resource-limits
@serve.deployment
class Router:
    def __init__(self, ranker, scorer):
        self.ranker = ranker
        self.scorer = scorer

    async def __call__(self, request):
        ranked = await self.ranker.remote(request.query_params["q"])
        return await self.scorer.remote(ranked)
