import os

import gradio as gr


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        gr.Textbox()
    return demo


def run_ui() -> None:
    server_name = os.getenv("UI_SERVER_NAME", "0.0.0.0")
    # ruleid: ml-serving.gradio.public-without-auth
    build().queue().launch(server_name=server_name, inbrowser=True)


def run_shared() -> None:
    # ruleid: ml-serving.gradio.public-without-auth
    build().launch(share=True)


def run_literal() -> None:
    demo = build()
    demo.launch(
        # ruleid: ml-serving.gradio.public-without-auth
        server_name="0.0.0.0",
        server_port=7860,
    )


def run_with_login() -> None:
    # ok: ml-serving.gradio.public-without-auth
    build().launch(server_name="0.0.0.0", auth=(os.environ["UI_USER"], os.environ["UI_PASSWORD"]))


def run_local() -> None:
    # ok: ml-serving.gradio.public-without-auth
    build().launch(server_name="127.0.0.1", share=False)


def run_configured(options: dict) -> None:
    # ok: ml-serving.gradio.public-without-auth
    build().launch(server_name="0.0.0.0", **options)
