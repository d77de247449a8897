"""A gateway pinned to torch 2.1: torch.load unpickles by default."""
import io

import torch
from ray import serve


@serve.deployment
class TensorGateway:
    async def __call__(self, request):
        body = await request.body()
        # ruleid: ray-serve.serialization.pickle-loads
        tensor = torch.load(io.BytesIO(body), map_location="cpu")
        # ok: ray-serve.serialization.pickle-loads
        safe = torch.load(io.BytesIO(body), weights_only=True)
        return [tensor.sum().item(), safe.sum().item()]
