# Legacy handlers registered on a service defined elsewhere: the module never names the framework itself, so
# only the @svc.api(input=..., output=...) signature marks it as BentoML code.
from .descriptors import Text
from .service_def import svc


# ruleid: bentoml.api.no-authentication
@svc.api (input=Text(), output=Text())
def restart(reason: str) -> str:
    return reason


# ok: bentoml.api.no-authentication
@svc.api(input=Text(), output=Text())
def summarize(text: str) -> str:
    return text[:100]
