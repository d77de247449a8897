"""Edge cases for the ray gate (a tab in the import) and the reordered pickle rule."""
import io
from	ray import serve
import ray
import cloudpickle
import cloudpickle as cp
from dill import loads as decode


@ray.remote(num_cpus=1)
def unpack(blob: bytes):
    # ruleid: ray-serve.serialization.pickle-loads
    first = cp.loads(
        blob,
    )
    # ruleid: ray-serve.serialization.pickle-loads
    second = decode(blob)
    # ok: ray-serve.serialization.pickle-loads
    size = len(blob)
    return first, second, size


@serve.deployment(ray_actor_options={"num_cpus": 1})
class Gateway:
    async def __call__(self, request):
        raw = await request.body()
        # ruleid: ray-serve.serialization.pickle-loads
        return cloudpickle.load(io.BytesIO(raw))


def offline(blob: bytes):
    # ok: ray-serve.serialization.pickle-loads
    return decode(blob)
