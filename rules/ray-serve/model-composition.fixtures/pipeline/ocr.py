"""OCR pipeline: validated at the ingress, errors kept server-side."""
import logging
import traceback

from fastapi import FastAPI, HTTPException
from ray import serve

logger = logging.getLogger(__name__)
api = FastAPI()
MAX_PAGES = 50


@serve.deployment(ray_actor_options={"num_cpus": 1})
class Binarize:
    async def __call__(self, doc: dict) -> dict:
        if "pages" not in doc:
            raise ValueError("document has no pages")
        return {"pages": doc["pages"]}


@serve.deployment(ray_actor_options={"num_cpus": 2})
class Recognize:
    async def __call__(self, doc: dict) -> dict:
        return {"text": ""}


@serve.deployment
class OcrIngress:
    def __init__(self, binarize, recognize):
        self.binarize = binarize
        self.recognize = recognize

    async def __call__(self, request):
        doc = await request.json()
        if not isinstance(doc, dict) or len(doc.get("pages", [])) > MAX_PAGES:
            return {"error": "invalid document"}, 400
        try:
            # ok: ray-serve.pipeline.unvalidated-handoff
            cleaned = await self.binarize.remote(doc)
            return await self.recognize.remote(cleaned)
        except ValueError as exc:
            # ok: ray-serve.pipeline.error-detail-leak
            return {"error": str(exc)}, 400
        except Exception as exc:
            logger.error("ocr failed: %s\n%s", exc, traceback.format_exc())
            # ok: ray-serve.pipeline.error-detail-leak
            return {"error": "internal error"}, 500


binarize = Binarize.bind()
recognize = Recognize.bind()
# ok: ray-serve.pipeline.bind-forward-reference
ocr = OcrIngress.bind(binarize, recognize=recognize)
serve.run(ocr)
