import logging
import traceback

import bentoml
from fastapi import FastAPI, HTTPException

app = FastAPI()
log = logging.getLogger(__name__)


@app.post("/login")
async def login(body: dict):
    try:
        return authenticate(body)
    except Exception as e:
        # ruleid: ml-serving.web.error-detail-leak
        return {"status": "error", "message": str(e)}


@app.post("/predict")
async def predict(body: dict):
    try:
        return run(body)
    except Exception as exc:
        detail = f"prediction failed: {exc}"
        # ruleid: ml-serving.web.error-detail-leak
        raise HTTPException(status_code=500, detail=detail)


@app.get("/ready")
async def ready():
    try:
        return run({})
    except Exception as exc:
        # the cause is chained for the server's log; the caller gets the fixed text
        # ok: ml-serving.web.error-detail-leak
        raise HTTPException(503, "Service is not ready") from exc


@app.post("/chained")
async def chained(body: dict):
    try:
        return run(body)
    except Exception as exc:
        # ruleid: ml-serving.web.error-detail-leak
        raise HTTPException(500, detail=repr(exc)) from exc


@app.get("/debug")
def debug():
    try:
        return run({})
    except ValueError as e:
        # ok: ml-serving.web.error-detail-leak
        raise HTTPException(status_code=400, detail=str(e))
    except Exception:
        # ruleid: ml-serving.web.error-detail-leak
        return {"trace": traceback.format_exc()}


@app.get("/safe")
def safe():
    try:
        return run({})
    except Exception as e:
        log.exception("run failed")
        # ok: ml-serving.web.error-detail-leak
        return {"error": "internal error", "kind": type(e).__name__}


class Service:
    @bentoml.api  # type: ignore[misc]
    def login(self, body: dict):
        try:
            return authenticate(body)
        except Exception as e:
            # ruleid: ml-serving.web.error-detail-leak
            return {"detail": str(e)}


def not_an_endpoint():
    try:
        return run({})
    except Exception as e:
        # ok: ml-serving.web.error-detail-leak
        return str(e)
