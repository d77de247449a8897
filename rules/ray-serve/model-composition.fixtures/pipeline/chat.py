"""Chat pipeline written quickly."""
import traceback
from traceback import format_exc

from fastapi import FastAPI, HTTPException, WebSocket
from ray import serve

api = FastAPI()


@serve.deployment
class ChatIngress:
    async def __call__(self, request):
        message = await request.json()
        # ruleid: ray-serve.pipeline.unvalidated-handoff
        moderated = await self.moderation.remote(message)
        # ok: ray-serve.pipeline.unvalidated-handoff
        reply = await self.llm.chat.remote(moderated)
        return reply


@serve.deployment
class StreamIngress:
    async def __call__(self, req):
        body = await req.json()
        # ruleid: ray-serve.pipeline.unvalidated-handoff
        gen = self.generator.options(stream=True).remote(**body)
        return gen


@serve.deployment
class LeakyIngress:
    async def __call__(self, request):
        try:
            # ruleid: ray-serve.pipeline.unvalidated-handoff
            return await self.pipeline.remote(await request.json())
        except Exception as err:
            # ruleid: ray-serve.pipeline.error-detail-leak
            return {"error": str(err), "trace": traceback.format_exc()}

    async def health(self):
        try:
            return await self.pipeline.ping.remote()
        except BaseException as err:
            # ruleid: ray-serve.pipeline.error-detail-leak
            return f"unhealthy: {err}"

    async def explain(self, request):
        try:
            return await self.pipeline.explain.remote(request)
        except:  # noqa: E722
            # ruleid: ray-serve.pipeline.error-detail-leak
            return {"detail": format_exc()}

    async def validate(self, request):
        try:
            return await self.pipeline.check.remote(request)
        except KeyError as err:
            # ok: ray-serve.pipeline.error-detail-leak
            return {"error": f"missing field {err}"}, 400


@serve.deployment
@serve.ingress(api)
class RestIngress:
    @api.post("/summarize")
    async def summarize(self, doc: dict):
        try:
            return await self.summarizer.remote(doc)
        except Exception as e:
            # ruleid: ray-serve.pipeline.error-detail-leak
            raise HTTPException(
                status_code=500,
                detail=repr(e),
            )

    @api.post("/ready")
    async def ready(self):
        try:
            return await self.summarizer.remote({"ping": True})
        except Exception as e:
            # the cause is chained for the log; the caller gets the fixed text
            # ok: ray-serve.pipeline.error-detail-leak
            raise HTTPException(503, "summarizer not ready") from e

    @api.websocket("/stream")
    async def stream(self, ws: WebSocket):
        await ws.accept()
        try:
            text = await ws.receive_text()
            await ws.send_json({"summary": await self.summarizer.remote(text)})
        except ValueError as bad:
            # a validation error the service raised itself, with its own message
            # ok: ray-serve.pipeline.error-detail-leak
            await ws.send_json({"error": str(bad)})
        except Exception as e:
            # ruleid: ray-serve.pipeline.error-detail-leak
            await ws.send_json({
                "error": str(e),
            })
            # logged server-side only
            # ok: ray-serve.pipeline.error-detail-leak
            self.logger.warning("stream failed: %s", e)

