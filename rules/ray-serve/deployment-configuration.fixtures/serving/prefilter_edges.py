"""Edge cases for the ray gate (odd spacing in the import) and the reordered rules."""
import  ray.serve as serve
from  ray.serve.config import HTTPOptions
import joblib
from joblib import load as restore
from transformers import AutoModel


# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment(
    num_replicas=2,
)
class Scorer:
    def __init__(self):
        # ruleid: ray-serve.deployment.pickle-model-load
        self.model = joblib.load(
            "/models/scorer.joblib",
        )
        # ruleid: ray-serve.deployment.pickle-model-load
        self.aux = restore("/models/aux.joblib")
        # ok: ray-serve.deployment.pickle-model-load
        self.size = len("/models/aux.joblib")


# a cap on requests in flight reserves no memory (and max_ongoing_requests has a default anyway)
# ruleid: ray-serve.deployment.missing-resource-limits
@serve.deployment(max_ongoing_requests=8)
class Bounded:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ruleid: ray-serve.http.public-bind
ipv6_options = HTTPOptions(host="[::]", port=8000)
# ruleid: ray-serve.http.public-bind
spaced_options = HTTPOptions(host = '0.0.0.0')
# ok: ray-serve.http.public-bind
local_options = HTTPOptions(host="127.0.0.1")
serve.start(
    http_options={
        # ruleid: ray-serve.http.public-bind
        "host": "::",
        "port": 8000,
    }
)
