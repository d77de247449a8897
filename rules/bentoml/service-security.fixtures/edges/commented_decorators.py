# A comment after a decorator belongs to the decorator's node: the decorator checks must still see the endpoint.
import bentoml
import numpy


@bentoml.service  # GPU pool
class Scorer:
    @bentoml.api  # public, v2
    # ruleid: bentoml.service.ndarray-input-unbounded
    def score(self, batch: numpy.ndarray) -> float:
        return float(batch.sum())

    @bentoml.api  # internal
    # ruleid: bentoml.service.unvalidated-json-input
    def tag(self, payload: dict) -> str:
        return str(sorted(payload))
