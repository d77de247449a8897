"""A gateway whose torch is ~=2.6: torch.load reads weights only unless told otherwise."""
import io

import torch
from ray import serve


@serve.deployment
class TensorGateway:
    async def __call__(self, request):
        body = await request.body()
        # ok: ray-serve.serialization.pickle-loads
        tensor = torch.load(io.BytesIO(body))
        # ruleid: ray-serve.serialization.pickle-loads
        legacy = torch.load(io.BytesIO(body), weights_only=False)
        return [tensor.sum().item(), legacy.sum().item()]
