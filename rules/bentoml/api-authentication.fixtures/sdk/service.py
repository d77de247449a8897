import bentoml
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware


@bentoml.service(
    http={
        "cors": {
            "enabled": True,
            # ruleid: bentoml.api.cors-allow-all-origins
            "access_control_allow_origins": "*",
            "access_control_allow_methods": ["GET", "POST"],
        }
    }
)
class Captioner:
    # ruleid: bentoml.api.no-authentication
    @bentoml.api
    def caption(self, image_url: str) -> str:
        return image_url

    # ruleid: bentoml.api.no-authentication
    @bentoml.api(route="/v2/caption-batch")
    def caption_batch(self, urls: list[str]) -> list[str]:
        return urls


@bentoml.service(
    http={
        "cors": {
            "enabled": False,
            # ok: bentoml.api.cors-allow-all-origins
            "access_control_allow_origins": ["*"],
        }
    }
)
class Disabled:
    pass


fastapi_middleware = [
    # ruleid: bentoml.api.cors-allow-all-origins
    Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True),
]
