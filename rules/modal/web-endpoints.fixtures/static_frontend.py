"""A frontend's static files next to an API: only the API does work per request."""
import modal

app = modal.App("frontend")
assets_image = modal.Image.debian_slim(python_version="3.11").pip_install("fastapi==0.115.5")


# ok: modal.web.missing-rate-limit, modal.web.missing-auth
@app.function(image=assets_image, timeout=600)
@modal.asgi_app()
def web():
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    web_app = FastAPI()
    web_app.mount("/", StaticFiles(directory="/assets", html=True))
    return web_app


# ruleid: modal.web.missing-rate-limit
@app.function(image=assets_image, timeout=600)
# ruleid: modal.web.missing-auth
@modal.asgi_app()
def api():
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    web_app = FastAPI()

    @web_app.post("/generate")
    def generate(prompt: str) -> dict:
        return {"text": prompt}

    web_app.mount("/static", StaticFiles(directory="/assets"))
    return web_app
