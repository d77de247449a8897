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


async def ping(url: str) -> bool:
    # ok: ml-serving.http.client-without-timeout
    async with AsyncClient() as client:
        for _ in range(3):
            response = await client.get(url, timeout=2.0)
            if response.status_code == 200:
                return True
    return False


async def relay(url: str, body: bytes) -> bytes:
    # ruleid: ml-serving.http.client-without-timeout
    async with AsyncClient() as client:
        await client.get(url, timeout=2.0)
        # this one has no timeout: the client's default decides
        return (await client.post(url, content=body)).content
