# Edge shapes for the sensitive-endpoint part of the no-authentication prefilter: underscore-prefixed names,
# task endpoints, quoted routes; no CORS in this module. One case per top-level statement.
import bentoml


@bentoml.service
class Stats:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api
    async def _admin_stats(self) -> dict:
        return {}


@bentoml.service
class Indexes:
    # ruleid: bentoml.api.no-authentication
    @bentoml.task
    def delete_index(self, name: str) -> str:
        return name


@bentoml.service
class Lifecycle:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api(route='/ops/shutdown')
    def stop(self) -> str:
        return "stopping"


@bentoml.service
class Promotion:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api(
        route=r"swap-model",
    )
    def promote(self, tag: str) -> str:
        return tag


@bentoml.service
class Health:
    # ok: bentoml.api.no-authentication
    @bentoml.api(route="/v1/status")
    def status(self) -> str:
        return "up"
