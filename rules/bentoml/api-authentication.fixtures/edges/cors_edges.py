# Edge shapes for the CORS prefilters: quote styles, string prefixes, tuples, multi-line values, an alias.
import bentoml
from starlette.middleware.cors import CORSMiddleware as Cors


@bentoml.service(
    http={
        'cors': {
            'enabled': True,
            # ruleid: bentoml.api.cors-allow-all-origins
            'access_control_allow_origin_regex': r'^https://.*$',
        },
    },
)
class Catalog:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api
    def lookup(self, sku: str) -> str:
        return sku


def build_app(app):
    app.add_middleware(
        Cors,
        # ruleid: bentoml.api.cors-allow-all-origins
        allow_origins=(
            r"*",
        ),
    )
    return app
