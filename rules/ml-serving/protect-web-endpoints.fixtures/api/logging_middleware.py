import logging

from fastapi import FastAPI, Request

logger = logging.getLogger(__name__)
app = FastAPI()


@app.middleware("http")
async def log_requests(request: Request, call_next):
    logger.info(
        "request started",
        # ruleid: ml-serving.web.request-headers-logged
        extra={"method": request.method, "url": str(request.url), "headers": dict(request.headers)},
    )
    # ruleid: ml-serving.web.request-headers-logged
    logging.debug(f"headers: {request.headers}")
    # one named header is not the set
    # ok: ml-serving.web.request-headers-logged
    logger.info("request id %s", request.headers.get("x-request-id"))
    # ok: ml-serving.web.request-headers-logged
    logger.info("agent %s", request.headers["user-agent"])
    response = await call_next(request)
    # the response's headers are the server's own
    # ok: ml-serving.web.request-headers-logged
    logger.info("response headers %s", dict(response.headers))
    return response
