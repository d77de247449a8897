import modal

app = modal.App("gateway")


# ok: modal.web.missing-rate-limit
@app.function(timeout=60, max_containers=1)
# ok: modal.web.missing-auth
@modal.asgi_app()
def serve():
    # the ASGI app lives in another module; its auth cannot be judged from here
    from gateway_service.server import app as service_app

    return service_app
