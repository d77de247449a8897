import mlflow
import mlflow.pyfunc
from mlflow import pyfunc


class Predictor:
    def __init__(self, model_uri: str):
        # ruleid: ml-serving.artifact.unsafe-load
        self.model = mlflow.pyfunc.load_model(model_uri)
        # ruleid: ml-serving.artifact.unsafe-load
        self.scaler = mlflow.sklearn.load_model("models:/scaler/Production")
        # ruleid: ml-serving.artifact.unsafe-load
        self.fallback = pyfunc.load_model("runs:/abc123/model")
        # ok: ml-serving.artifact.unsafe-load
        self.booster = mlflow.xgboost.load_model("models:/booster/1")
        # ok: ml-serving.artifact.unsafe-load
        self.card = mlflow.artifacts.load_dict("runs:/abc123/card.json")
