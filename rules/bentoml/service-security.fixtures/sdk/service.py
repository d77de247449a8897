from __future__ import annotations

import os
import typing as t
from pathlib import Path

import bentoml
import numpy as np
import sympy
from bentoml.validators import DType, Shape
from pydantic import BaseModel
from typing_extensions import Annotated

MODEL_DIR = Path("/models")
THRESHOLDS = {"strict": "0.9", "loose": "0.5"}


class Query(BaseModel):
    text: str
    top_k: int = 5


@bentoml.service(resources={"cpu": "2"}, traffic={"timeout": 30})
class Ranker:
    def __init__(self) -> None:
        self.weights = np.load(MODEL_DIR / "weights.npy")

    @bentoml.api
    def rank(self, query: Query) -> list[float]:
        return [0.0] * query.top_k

    @bentoml.api
    # ruleid: bentoml.service.unvalidated-json-input
    def rank_raw(self, payload: dict[str, t.Any]) -> list[float]:
        return payload.get("scores", [])

    # input_spec: BentoML validates the request against Query before the method sees **params
    @bentoml.api(route="/rank/spec", input_spec=Query)
    # ok: bentoml.service.unvalidated-json-input
    def rank_spec(self, **params: t.Any) -> list[float]:
        return [0.0] * Query(**params).top_k

    @bentoml.api(route="/rank/loose")
    # ruleid: bentoml.service.unvalidated-json-input
    def rank_loose(self, **params: t.Any) -> list[float]:
        return params.get("scores", [])

    @bentoml.api()
    def transform(
        self,
        # ruleid: bentoml.service.ndarray-input-unbounded
        arr: np.ndarray,
        # ok: bentoml.service.ndarray-input-unbounded
        bounded: Annotated[np.ndarray, Shape((1, 128)), DType("float32")],
    ) -> np.ndarray:
        return arr @ self.weights + bounded

    @bentoml.api
    def score_expression(self, expression: str) -> float:
        # ruleid: bentoml.service.eval-request-data
        return float(eval(expression))

    @bentoml.api
    def simplify(self, query: Query) -> str:
        formula = query.text.strip()
        # SymPy's parser calls eval on what it is given
        # ruleid: bentoml.service.eval-request-data
        return str(sympy.sympify(formula))

    @bentoml.api
    def threshold(self, name: str) -> float:
        # the service's own expression; the caller only picks a known name
        if name not in THRESHOLDS:
            raise ValueError("unknown threshold")
        # ok: bentoml.service.eval-request-data
        return float(eval(THRESHOLDS[name]))

    @bentoml.api
    def transcript(self, audio: Path) -> str:
        # An uploaded file: BentoML materialises it as a temporary file, so the path is not caller-controlled.
        # ok: bentoml.service.path-from-request
        with open(audio, "rb") as fh:
            return str(len(fh.read()))

    @bentoml.api
    def load_profile(self, user: str) -> str:
        # ruleid: bentoml.service.path-from-request
        return (MODEL_DIR / "profiles" / Path(user).name).read_text() + Path(user).read_text()

    @bentoml.api
    def settings(self) -> str:
        # ok: bentoml.service.path-from-request
        return open(self.settings_path()).read()

    def settings_path(self) -> str:
        return str(MODEL_DIR / "settings.toml")

    @bentoml.api
    def export(self, report_name: str) -> str:
        # ok: bentoml.service.path-from-request
        return open(os.path.join(MODEL_DIR, os.path.basename(report_name))).read()

    @bentoml.api
    def export_checked(self, report_name: str) -> str:
        target = (MODEL_DIR / report_name).resolve()
        if not target.is_relative_to(MODEL_DIR):
            raise ValueError("report outside the export directory")
        # ok: bentoml.service.path-from-request
        return open(target).read()
