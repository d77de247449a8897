from pathlib import Path

import bentoml

image = bentoml.images.Image(python_version="3.11").python_packages(
    # ruleid: ml-serving.dependency.vulnerable-version (high)
    "python-multipart==0.0.6",
)


@bentoml.service(image=image)
class Upload:
    # a file-typed input: BentoML parses a multipart body for it
    @bentoml.api
    def store(self, upload: Path) -> str:
        return upload.name
