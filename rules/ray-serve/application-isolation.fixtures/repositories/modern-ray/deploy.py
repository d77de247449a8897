import ray
from ray import serve

ray.init(address="auto")
# Ray 2.x runs Serve in its own "serve" namespace, whatever the driver's
# ok: ray-serve.isolation.detached-default-namespace
serve.start(detached=True)
