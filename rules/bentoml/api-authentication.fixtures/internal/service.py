# No CORS and mostly ordinary inference endpoints: those are not reported one by one, the service once.
import bentoml
from bentoml.io import JSON, Text

classifier = bentoml.sklearn.get("intent:latest").to_runner()
# a service is reported once even when none of its endpoints is sensitive: bentoml serve binds 0.0.0.0
# ruleid: bentoml.api.no-authentication
svc = bentoml.Service("intent", runners=[classifier])


# ok: bentoml.api.no-authentication
@svc.api(input=Text(), output=JSON())
async def classify(text: str) -> dict:
    return {"intent": await classifier.predict.async_run([text])}


# ruleid: bentoml.api.no-authentication
@svc.api(input=JSON(), output=JSON(), route="/admin/reload-model")
async def reload_classifier(payload: dict) -> dict:
    return {"reloaded": True}


# ruleid: bentoml.api.no-authentication
@svc.api(input=Text(), output=Text())
def execute(command: str) -> str:
    return command


# ruleid: bentoml.api.no-authentication
@bentoml.service
class Embeddings:
    # ok: bentoml.api.no-authentication
    @bentoml.api
    def embed(self, texts: list[str]) -> list[list[float]]:
        return [[0.0] for _ in texts]

    # ruleid: bentoml.api.no-authentication
    @bentoml.api
    def unload_model(self) -> str:
        return "ok"


# ok: bentoml.api.no-authentication
@svc.api(input=JSON(), output=JSON(), route="/evaluate")
async def evaluate(payload: dict) -> dict:
    return {"accuracy": 0.93}
