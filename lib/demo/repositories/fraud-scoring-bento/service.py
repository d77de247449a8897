"""Real-time fraud scoring for card payments (gradient-boosted trees behind a BentoML service)."""
import joblib
import numpy as np

import bentoml
from bentoml.io import JSON


class FraudModelRunnable(bentoml.Runnable):
    SUPPORTED_RESOURCES = ("cpu",)
    SUPPORTS_CPU_MULTI_THREADING = True

    def __init__(self):
        model_dir = bentoml.models.get("fraud_gbt:latest").path
        self.model = joblib.load(f"{model_dir}/model.joblib")
        self.threshold = 0.82

    @bentoml.Runnable.method(batchable=True, batch_dim=0)
    def score(self, features: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(features)[:, 1]


fraud_runner = bentoml.Runner(FraudModelRunnable, name="fraud_gbt")
svc = bentoml.Service("fraud-scoring", runners=[fraud_runner])

FEATURES = ["amount", "merchant_risk", "country_mismatch", "velocity_1h", "velocity_24h", "card_age_days"]


@svc.api(input=JSON(), output=JSON())
async def score(payload: dict) -> dict:
    features = np.array([[float(payload[f]) for f in FEATURES]])
    probability = float((await fraud_runner.score.async_run(features))[0])
    return {"fraud_probability": probability, "decision": "review" if probability > 0.82 else "approve"}
