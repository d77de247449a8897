"""A module with one deployment: the per-module resource check (isolation) does not apply."""
from ray import serve


# ok: ray-serve.isolation.missing-actor-resources
@serve.deployment
class OnlyModel:
    pass


app = OnlyModel.bind()
