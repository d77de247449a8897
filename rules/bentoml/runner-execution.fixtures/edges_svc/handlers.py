# Legacy handlers registered on a service defined elsewhere: the module never names the framework itself, so
# only the @svc.api(input=..., output=...) signature marks it as BentoML code.
import pickle as pk
import subprocess

from .descriptors import Text
from .service_def import svc


@svc.api(input=Text(), output=Text())
def convert(path: str) -> str:
    # ruleid: bentoml.runner.shell-command
    return subprocess.check_output("convert " + path, shell=True).decode()


@svc.api (input=Text(), output=Text())
def restore(blob: str) -> str:
    # ruleid: bentoml.runner.pickle-deserialization
    return str(pk.loads(bytes.fromhex(blob)))


@svc.api(input=Text(), output=Text())
def echo(text: str) -> str:
    # ok: bentoml.runner.shell-command
    return subprocess.check_output(["echo", text]).decode()
