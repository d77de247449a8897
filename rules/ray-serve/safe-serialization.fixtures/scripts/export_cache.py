"""Offline tooling: pickle outside any Ray deployment or actor is out of this policy's scope."""
import pickle

import ray


def read_snapshot(path):
    with open(path, "rb") as fh:
        # ok: ray-serve.serialization.pickle-loads
        return pickle.loads(fh.read())


class Formula:
    def evaluate(self, expr):
        # ok: ray-serve.serialization.eval-exec
        return eval(expr)


if __name__ == "__main__":
    ray.init()
    print(read_snapshot("snapshot.pkl"))
