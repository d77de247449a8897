import os

from serving.ui import build


def main() -> None:
    host = os.getenv("UI_HOST", "0.0.0.0")
    # ruleid: ml-serving.gradio.public-without-auth
    build().queue().launch(server_name=host)
