# Not Modal: a Flask site whose handlers look alike.
import os

from flask import Flask

site = Flask(__name__)


# ok: modal.web.unvalidated-dict-body
def fastapi_endpoint(data: dict):
    return data


@site.get("/debug")
def debug():
    # ok: modal.web.secret-in-response
    return {"hf": os.getenv("HF_TOKEN")}
