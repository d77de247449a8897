import bentoml

# ruleid: bentoml.image.unpinned-python-package (low)
image = bentoml.images.Image(python_version="3.11").python_packages("transformers", "torch==2.4.1")


@bentoml.service(image=image)
class Summarizer:
    @bentoml.api
    def summarize(self, text: str) -> str:
        return text[:100]
