"""The code the pinned/ and formats/ manifests install for (they hold no Python of their own, so the whole
fixture tree's code is what reaches an advisory): it uses every part an advisory's `reachable` names."""
import joblib
import torch
from fastapi import FastAPI, UploadFile
from keras.models import load_model
from pathlib import Path
from torch.distributed import rpc
from transformers import RagRetriever, TransfoXLTokenizer

import bentoml

api = FastAPI()
runner = bentoml.models.get("iris:latest").to_runner()
# vLLM launched with: --kv-transfer-config '{"kv_connector": "MooncakeConnector"}' --enable-prompt-embeds
KV_CONNECTOR = "PyNcclConnector"


@torch.jit.script
def scale(x: torch.Tensor) -> torch.Tensor:
    return x * 2


@api.post("/predict")
async def predict(upload: UploadFile, weights: Path):
    state = torch.load(weights, weights_only=True)
    model = load_model("model.keras")
    retriever = RagRetriever.from_pretrained("facebook/rag-token-nq")
    tokenizer = TransfoXLTokenizer.from_pretrained("transfo-xl-wt103")
    rpc.init_rpc("worker")
    return joblib.Parallel(n_jobs=2)(joblib.delayed(model)(x) for x in [state, retriever, tokenizer])
