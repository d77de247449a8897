import bentoml
from bentoml.io import JSON
from starlette.middleware.cors import CORSMiddleware

recommender = bentoml.pytorch.get("recommender:latest").to_runner()
svc = bentoml.Service("recommender", runners=[recommender])

svc.add_asgi_middleware(
    CORSMiddleware,
    # ruleid: bentoml.api.cors-allow-all-origins
    allow_origins=["*"],
    allow_methods=["*"],
    allow_headers=["*"],
)


# ruleid: bentoml.api.no-authentication
@svc.api(input=JSON(), output=JSON())
async def recommend(payload: dict) -> dict:
    return {"items": await recommender.predict.async_run(payload)}


# ruleid: bentoml.api.no-authentication
@svc.api(
    input=JSON(),
    output=JSON(),
    route="/v1/similar",
)
async def similar(payload: dict) -> dict:
    return {"items": []}
