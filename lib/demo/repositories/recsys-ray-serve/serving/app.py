"""Home-feed recommendations: candidate retrieval -> ranking, as a Ray Serve application."""
import pickle

import numpy as np
from ray import serve
from starlette.requests import Request


@serve.deployment(num_replicas=2)
class CandidateRetriever:
    def __init__(self, index_path: str = "/models/ann_index.pkl"):
        with open(index_path, "rb") as fh:
            self.index = pickle.load(fh)

    def retrieve(self, user_vector: list[float], k: int = 200) -> list[int]:
        return self.index.query(np.asarray(user_vector, dtype=np.float32), k=k)


@serve.deployment(
    ray_actor_options={"num_cpus": 2, "memory": 4 * 1024**3},
    autoscaling_config={"min_replicas": 2, "max_replicas": 500, "upscale_delay_s": 1, "downscale_delay_s": 5},
)
class Ranker:
    def __init__(self, retriever):
        import onnxruntime as ort

        self.retriever = retriever
        self.session = ort.InferenceSession("/models/ranker.onnx", providers=["CPUExecutionProvider"])

    async def __call__(self, request: Request):
        try:
            body = await request.json()
            candidates = await self.retriever.retrieve.remote(body["user_vector"])
            scores = self.session.run(None, {"candidates": np.asarray(candidates, dtype=np.int64)[None, :]})[0]
            order = np.argsort(-scores[0])[: body.get("limit", 50)]
            return {"items": [int(candidates[i]) for i in order]}
        except Exception as err:
            return {"error": str(err)}


app = Ranker.bind(CandidateRetriever.bind())
