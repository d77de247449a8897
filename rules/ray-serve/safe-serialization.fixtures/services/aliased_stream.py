import io

import cloudpickle as cp
import ray


@ray.remote
def restore(blob: bytes):
    # ruleid: ray-serve.serialization.pickle-loads
    return cp.load(io.BytesIO(blob))


@ray.remote
def restore_json(blob: bytes):
    # ok: ray-serve.serialization.pickle-loads
    return cp.dumps(io.BytesIO(blob).getvalue())
