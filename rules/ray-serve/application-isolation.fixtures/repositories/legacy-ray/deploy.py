import ray
from ray import serve

ray.init(address="auto")
# ruleid: ray-serve.isolation.detached-default-namespace
serve.start(detached=True)
