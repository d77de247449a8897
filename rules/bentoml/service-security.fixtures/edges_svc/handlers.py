# Legacy handlers registered on a service defined elsewhere: the module never names the framework itself, so
# only the @svc.api(input=..., output=...) signature marks it as BentoML code.
from .descriptors import JSON, NumpyNdarray, Text
from .service_def import svc


@svc.api (
    # ruleid: bentoml.service.unvalidated-json-input
    input=JSON (),
    output=Text(),
)
def submit(job: dict) -> str:
    return str(job)


# ruleid: bentoml.service.ndarray-input-unbounded
@svc.api(input=NumpyNdarray(dtype="float32"), output=NumpyNdarray())
def infer(batch):
    return batch


@svc.api(input=Text(), output=Text())
def tail(log_file: str) -> str:
    # ruleid: bentoml.service.path-from-request
    return open(log_file).read()[-4096:]
