# A Ray Serve ingress calling another service: from-imported client names count too.
from httpx import AsyncClient, Client
from ray import serve
from starlette.requests import Request


@serve.deployment
class Gateway:
    def __init__(self):
        # ruleid: ml-serving.http.client-without-timeout
        self.sync = Client()
        # ok: ml-serving.http.client-without-timeout
        self.client = AsyncClient(timeout=30)

    async def __call__(self, request: Request):
        # ruleid: ml-serving.web.unbounded-upload-read
        payload = await request.body()
        return (await self.client.post("http://ranker/rank", content=payload)).json()
