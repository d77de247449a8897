from jobs.runner import Launcher


def start(share: bool) -> None:
    # not Gradio: another library's launch()
    # ok: ml-serving.gradio.public-without-auth
    Launcher().launch(share=True)
