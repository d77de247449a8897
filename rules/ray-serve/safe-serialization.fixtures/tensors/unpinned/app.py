"""A gateway whose requirements leave torch to the image."""
import io

import torch
from ray import serve


@serve.deployment
class TensorGateway:
    async def __call__(self, request):
        # ruleid: ray-serve.serialization.pickle-loads
        return torch.load(io.BytesIO(await request.body())).tolist()


def offline(path):
    # ok: ray-serve.serialization.pickle-loads
    return torch.load(io.BytesIO(open(path, "rb").read()))
