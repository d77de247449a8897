# Edge shapes for the service-security prefilters: spacing, multi-line signatures, comments, qualified types.
# One case per top-level statement, so each case has to pass its check's prefilter on its own.
import io
import typing
from pathlib import Path

import bentoml
import numpy
import numpy.typing as npt
from bentoml.validators import Shape
from typing_extensions import Annotated


@ bentoml.service
class Store:
    @bentoml.api()
    # ruleid: bentoml.service.unvalidated-json-input
    def put(self, payload:dict) -> str:
        return str(len(payload))


@bentoml.service
class Ingest:
    @bentoml.api
    def ingest(
        self,
        # ruleid: bentoml.service.unvalidated-json-input
        payload:  # free-form until the schema settles
            typing.Dict[str, typing.Any],
    ) -> str:
        return str(len(payload))


@bentoml.service
class Frames:
    @bentoml.api
    def frame(
        self,
        # ruleid: bentoml.service.ndarray-input-unbounded
        frame: numpy.ndarray,
        # ok: bentoml.service.ndarray-input-unbounded
        window: Annotated[numpy.ndarray, Shape((16, 16))] = None,
    ) -> str:
        return str(frame.shape)


@bentoml.service
class Masks:
    @bentoml.api
    # ruleid: bentoml.service.ndarray-input-unbounded
    def mask(self, mask: npt.NDArray[numpy.bool_]) -> int:
        return int(mask.sum())


@bentoml.service
class Files:
    @bentoml.api(route="/files")
    def fetch(self, name: str) -> bytes:
        # ruleid: bentoml.service.path-from-request
        with io.open (name, "rb") as fh:
            return fh.read()


@bentoml.service
class Texts:
    @bentoml.api
    def fetch_text(self, relative: str) -> str:
        # ruleid: bentoml.service.path-from-request
        return Path (relative
                     ).read_text()


@bentoml.service
class Formulas:
    @bentoml.task
    def recompute(self, formula: str) -> float:
        # ruleid: bentoml.service.eval-request-data
        return float(eval (formula))


@bentoml.service
class Typed:
    @bentoml.api
    # ok: bentoml.service.unvalidated-json-input
    def put_typed(self, payload: list[float]) -> str:
        return str(len(payload))
