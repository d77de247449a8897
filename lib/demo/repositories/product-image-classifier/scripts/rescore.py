"""Nightly re-scoring of low-confidence catalogue photos with the distilled re-ranker."""
import os
import pickle

MODEL_STORE = "model-store"


def load_reranker():
    with open(os.path.join(MODEL_STORE, "reranker.pkl"), "rb") as fh:
        return pickle.load(fh)


if __name__ == "__main__":
    reranker = load_reranker()
    print(type(reranker))
