# The runners' batching and resources come from configuration.yaml beside the service (BENTOML_CONFIG).
import bentoml
from bentoml.io import NumpyNdarray

# ok: bentoml.runner.no-batching-limits
classifier = bentoml.sklearn.get("classifier:latest").to_runner()

svc = bentoml.Service("classifier", runners=[classifier])


@svc.api(input=NumpyNdarray(shape=(-1, 4), enforce_shape=True), output=NumpyNdarray())
def predict(x):
    return classifier.predict.run(x)
