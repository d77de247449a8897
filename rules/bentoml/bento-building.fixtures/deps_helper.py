# Not a BentoML module: some other image builder with a method of the same name.
from buildkit_helpers import ImageSpec

# ok: bentoml.image.unpinned-python-package
spec = ImageSpec("base").python_packages("requests")
