# Edge shapes for the sensitive-endpoint part of the no-authentication prefilter: underscore-prefixed names,
# task endpoints, quoted routes; no CORS in this module. One case per top-level statement.
import bentoml


# each service has endpoints and the module no authentication: reported once, at the service
# ruleid: bentoml.api.no-authentication
@bentoml.service
class Stats:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api
    async def _admin_stats(self) -> dict:
        return {}


# ruleid: bentoml.api.no-authentication
@bentoml.service
class Indexes:
    # ruleid: bentoml.api.no-authentication
    @bentoml.task
    def delete_index(self, name: str) -> str:
        return name


# ruleid: bentoml.api.no-authentication
@bentoml.service
class Lifecycle:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api(route='/ops/shutdown')
    def stop(self) -> str:
        return "stopping"


# ruleid: bentoml.api.no-authentication
@bentoml.service
class Promotion:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api(
        route=r"swap-model",
    )
    def promote(self, tag: str) -> str:
        return tag


# ruleid: bentoml.api.no-authentication
@bentoml.service
class Health:
    # ok: bentoml.api.no-authentication
    @bentoml.api(route="/v1/status")
    def status(self) -> str:
        return "up"
