"""An image only a frontend's static files are served from: no request-driven code runs as root there."""
import modal

app = modal.App("frontend")
# ok: modal.image.runs-as-root
assets_image = modal.Image.debian_slim(python_version="3.11").pip_install("fastapi==0.115.5")


@app.function(image=assets_image, timeout=600)
@modal.asgi_app()
def web():
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    web_app = FastAPI()
    web_app.mount("/", StaticFiles(directory="/assets", html=True))
    return web_app
