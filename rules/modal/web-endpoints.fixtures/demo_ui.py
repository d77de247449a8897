import modal

app = modal.App("sd-demo")
image = modal.Image.debian_slim().pip_install("gradio==4.44.1", "fastapi[standard]==0.115.0")


@app.function(image=image, gpu="A10G", timeout=600, max_containers=3)
# ruleid: modal.web.missing-auth
@modal.asgi_app()
def ui():
    import gradio as gr
    from fastapi import FastAPI
    from gradio.routes import mount_gradio_app

    demo = gr.Interface(fn=lambda p: p, inputs="text", outputs="text")
    return mount_gradio_app(app=FastAPI(), blocks=demo, path="/")

