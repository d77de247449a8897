import os
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


@bentoml.service
class Preprocessor:
    @bentoml.api
    def normalize(self, text: str) -> str:
        return text.strip().lower()
