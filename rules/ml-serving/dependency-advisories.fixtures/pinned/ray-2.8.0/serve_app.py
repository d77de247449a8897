"""A Serve app: the Ray it runs starts the dashboard and job API."""
from ray import serve


@serve.deployment
class Echo:
    def __call__(self, request):
        return "ok"


app = Echo.bind()
