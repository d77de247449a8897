import modal

app = modal.App("docs")
image = modal.Image.debian_slim().pip_install("fastapi[standard]==0.115.0").add_local_dir("site/dist", "/assets")


@app.function(image=image, timeout=30, max_containers=2)
# ok: modal.web.missing-auth
@modal.asgi_app()
def docs():
    # a static documentation site: nothing but files to serve
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    web = FastAPI()
    web.mount("/", StaticFiles(directory="/assets", html=True), name="static")
    return web
