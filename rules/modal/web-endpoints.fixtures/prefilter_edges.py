"""Edge cases: Modal names imported with from-imports only (the word modal appears once), reordered rules."""
from os import environ
from modal import App, Image, fastapi_endpoint

app = App("edges-api")
image = Image.debian_slim()


@app.function(image=image, timeout=60, max_containers=2)
# ruleid: modal.web.missing-auth
@fastapi_endpoint(
    method="GET",
)
def status():
    token = environ.get("ADMIN_TOKEN")
    # ruleid: modal.web.secret-in-response
    return {"admin": token}


@app.function(image=image, timeout=60, max_containers=2)
# ok: modal.web.missing-auth
@fastapi_endpoint(method="GET", requires_proxy_auth=True)
def guarded_status():
    token = environ.get("ADMIN_TOKEN")
    # ok: modal.web.secret-in-response
    return {"admin_configured": token is not None}


# ruleid: modal.web.missing-rate-limit
@app.function(image=image, timeout=60)
# ruleid: modal.web.missing-auth
@fastapi_endpoint(method="POST")
# ruleid: modal.web.unvalidated-dict-body
def echo(payload: dict):
    return {"keys": sorted(payload)}
