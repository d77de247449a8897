from fastapi import FastAPI
from ray import serve

app = FastAPI()


@serve.deployment
@serve.ingress(app)
class Chat:
    @app.post("/v1/chat")
    async def chat(self, body: dict):
        return {"echo": body}


chat = Chat.bind()
