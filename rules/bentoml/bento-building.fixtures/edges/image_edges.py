# Edge shapes for the python_packages prefilter: a comment between the method name and its arguments.
import bentoml

edge_image = (
    bentoml.images.Image(python_version="3.12")
    .python_packages  # resolved at build time
    (
        # ruleid: bentoml.image.unpinned-python-package
        "pandas",
        # ok: bentoml.image.unpinned-python-package
        "pyarrow==16.1.0",
    )
)

spaced_image = bentoml.images.Image(python_version="3.12").python_packages (
    # ruleid: bentoml.image.unpinned-python-package
    'scikit-learn',
)
