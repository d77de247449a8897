"""Not Ray Serve: an in-house `serve` helper with the same method name."""
from ops_toolkit import serve

# ok: ray-serve.isolation.detached-default-namespace
serve.start(detached=True)
