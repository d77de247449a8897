import bentoml
import numpy as np
from bentoml import Service
from bentoml.io import NumpyNdarray

runner = bentoml.mlflow.get("classifier:latest").to_runner()

# The legacy constructor under its imported name: the same open service as bentoml.Service(...).
# ruleid: bentoml.api.no-authentication
svc = Service(name="classifier", runners=[runner])


@svc.api(input=NumpyNdarray(), output=NumpyNdarray())
def classify(batch: np.ndarray) -> np.ndarray:
    return runner.predict.run(batch)
