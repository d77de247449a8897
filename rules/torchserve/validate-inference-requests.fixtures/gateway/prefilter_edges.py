"""Edge shapes for the inference checks' prefilters: spread-out decorators and calls, other spellings."""
import httpx
import requests
from flask import Blueprint
from httpx import Client

bp = Blueprint("relay", __name__)
routes = {"v1": bp}
TS = "http://inference.internal:8080"

# ruleid: torchserve.inference.client-without-timeout
pooled = Client(
    base_url=TS,
)
# ruleid: torchserve.inference.client-without-timeout
streaming = httpx.AsyncClient  (base_url=TS, timeout=None)


# the decorator's object spans lines: `.route` is not on the `@` line
@routes[
    "v1"
].route("/classify", methods=["POST"])
def classify(body: bytes):
    # ruleid: torchserve.inference.request-without-timeout
    return requests.post(
        # marker spelled the other way round
        "http://Torchserve.internal/predictions/classifier",
        data=body,
    ).json()


# a line continuation between the object and `.post`
@bp \
    .post("/detect")
def detect(body: bytes):
    # ruleid: torchserve.inference.request-without-timeout
    return httpx.post("http://inference.internal:8081/predictions/detector", content=body, timeout=None).json()


@bp.websocket("/stream/<model>")
def stream(model: str, frame: bytes):
    # %-formatting is a binary operator too
    # ruleid: torchserve.inference.unvalidated-model-name
    return httpx.post("http://inference.internal/predictions/%s" % model, content=frame, timeout=30).json()


def forward(model, payload):
    # not a route, but it forwards the caller's payload; a comment sits before `=`
    return httpx.post(
        # ruleid: torchserve.inference.unvalidated-model-name
        TS + "/predictions/" + model,
        json  # the caller's body, untouched
        =payload,
        timeout=30,
    )


def upload(model, path):
    """CLI helper: the operator uploads a local file."""
    with open(path, "rb") as fh:
        blob = fh.read()
    # ok: torchserve.inference.unvalidated-model-name
    return httpx.post(TS + "/predictions/" + model, content=blob, timeout=30)
