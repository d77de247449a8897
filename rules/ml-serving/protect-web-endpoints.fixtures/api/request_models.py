"""Request models of a FastAPI model server: which fields let one caller decide how much work a request is."""
from typing import Annotated, Any, Dict, List, Optional

from pydantic import BaseModel, Field, conlist, constr


class PredictionRequest(BaseModel):
    # ruleid: ml-serving.web.unbounded-request-field
    features: list[float] = Field(..., min_length=1, description="feature vector")
    # ok: ml-serving.web.unbounded-request-field
    model_version: str | None = None


class TextRequest(BaseModel):
    # ruleid: ml-serving.web.unbounded-request-field
    text: str = Field(..., min_length=1)
    # a short code, not the input text
    # ok: ml-serving.web.unbounded-request-field
    language: str = "en"
    # ruleid: ml-serving.web.unbounded-request-field
    documents: Optional[List[str]] = None


class BoundedRequest(BaseModel):
    # ok: ml-serving.web.unbounded-request-field
    text: str = Field(..., max_length=4096)
    # ok: ml-serving.web.unbounded-request-field
    items: list[str] = Field(default_factory=list, max_length=64)
    # ok: ml-serving.web.unbounded-request-field
    tags: Annotated[list[str], Field(max_length=8)] = []
    # ok: ml-serving.web.unbounded-request-field
    rows: conlist(float, max_length=512)
    # ok: ml-serving.web.unbounded-request-field
    prompt: constr(max_length=2000)


# a response model: what the server sends is its own to size
class PredictionResponse(BaseModel):
    # ok: ml-serving.web.unbounded-request-field
    scores: list[float]


class KeyPressRequest(BaseModel):
    # options, not data: a few short names
    # ok: ml-serving.web.unbounded-request-field
    modifiers: list[str] = Field(default_factory=list)
    # ok: ml-serving.web.unbounded-request-field
    args: list[str] = []
    # ruleid: ml-serving.web.unbounded-request-field
    input_texts: List[str]


class PredictInput(BaseModel):
    # ruleid: ml-serving.web.unbounded-request-field
    input_data: Any
    # ruleid: ml-serving.web.unbounded-request-field
    inputs: Dict[str, Any] = Field(..., description="feature map")
    # ok: ml-serving.web.unbounded-request-field
    options: Dict[str, str] = {}


class Prompt(BaseModel):
    # ruleid: ml-serving.web.unbounded-request-field
    prompt: str
