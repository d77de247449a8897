# Training script in a BentoML repository: not runner or service code.
import pickle

import bentoml
from sklearn.ensemble import RandomForestClassifier

with open("data/train.pkl", "rb") as fh:
    # ok: bentoml.runner.pickle-deserialization
    X, y = pickle.load(fh)

clf = RandomForestClassifier().fit(X, y)
bentoml.sklearn.save_model("fraud", clf)
