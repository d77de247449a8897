"""The model comes from Redis and is unpickled by a helper in another module."""
import redis

import model_handler

r = redis.StrictRedis(host="cache.internal", port=6380, ssl=True)


class Dispatcher:
    def __init__(self):
        # ruleid: ml-serving.artifact.network-deserialization
        self.model = model_handler.load_model(r.get("iris_model"))
