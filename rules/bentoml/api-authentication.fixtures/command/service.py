import bentoml


# a dependency service that only runs a process: it declares no endpoint of its own
# ok: bentoml.api.no-authentication
@bentoml.service(resources={"gpu": 1})
class Worker:
    def __command__(self) -> list[str]:
        return ["python", "-m", "worker", "--port", "8001"]


# ruleid: bentoml.api.no-authentication
@bentoml.service(resources={"gpu": 1})
class Transcriber:
    worker = bentoml.depends(Worker)

    # ok: bentoml.api.no-authentication
    @bentoml.api(route="/v1/transcribe")
    async def transcribe(self, audio: bytes) -> str:
        return await self.worker.to_async.run(audio)
