import os
import shlex
import subprocess
from os import system

import bentoml
import joblib
from cloudpickle import load as cp_load


@bentoml.service(resources={"cpu": "1"})
class FraudScorer:
    model_ref = bentoml.models.BentoModel("fraud:latest")

    def __init__(self) -> None:
        # ruleid: bentoml.runner.pickle-deserialization
        self.model = joblib.load(self.model_ref.path_of("model.joblib"))
        with open(self.model_ref.path_of("calibrator.pkl"), "rb") as fh:
            # ruleid: bentoml.runner.pickle-deserialization
            self.calibrator = cp_load(fh)

    @bentoml.api
    def report(self, account_id: str) -> str:
        # ruleid: bentoml.runner.shell-command
        system(f"/opt/tools/export.sh {account_id}")
        # ruleid: bentoml.runner.shell-command
        return os.popen("grep " + account_id + " /var/log/fraud.log").read()

    @bentoml.api
    def archive(self, account_id: str, day: int) -> str:
        # quoted, or a number: the shell sees one word
        # ok: bentoml.runner.shell-command
        system("/opt/tools/archive.sh " + shlex.quote(account_id))
        # ok: bentoml.runner.shell-command
        subprocess.run(f"/opt/tools/rotate.sh {int(day)}", shell=True, check=True)
        # the service's own configuration, not the caller's
        # ok: bentoml.runner.shell-command
        subprocess.run(f"/opt/tools/sync.sh {self.bucket}", shell=True, check=True)
        # an argument list without a shell
        # ok: bentoml.runner.shell-command
        subprocess.run(["/opt/tools/export.sh", account_id], check=True)
        # ruleid: bentoml.runner.shell-command
        return run_tool(account_id)


@bentoml.service
class Preprocessor:
    @bentoml.api
    def normalize(self, text: str) -> str:
        return text.strip().lower()


def run_tool(name: str) -> str:
    # a module-local helper: its callers' data reaches the shell (reported at the call)
    return subprocess.check_output(f"/opt/tools/lookup.sh {name}", shell=True, text=True)
