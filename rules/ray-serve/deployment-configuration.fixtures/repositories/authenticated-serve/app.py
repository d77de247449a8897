from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer
from ray import serve

app = FastAPI()
bearer = HTTPBearer()


@serve.deployment
@serve.ingress(app)
class Chat:
    @app.post("/v1/chat")
    async def chat(self, body: dict, token=Depends(bearer)):
        return {"echo": body}


chat = Chat.bind()
