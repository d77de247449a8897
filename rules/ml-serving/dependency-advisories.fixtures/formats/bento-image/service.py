import bentoml

image = bentoml.images.Image(python_version="3.11").python_packages(
    # ruleid: ml-serving.dependency.vulnerable-version (high)
    "python-multipart==0.0.6",
)


@bentoml.service(image=image)
class Upload:
    pass
