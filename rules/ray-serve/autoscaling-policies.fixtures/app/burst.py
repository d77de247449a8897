"""Autoscaled deployments tuned for a demo, not for production."""
from ray import serve
from ray.serve.config import AutoscalingConfig
from ray.serve import deployment
from transformers import AutoModel

BURST_AUTOSCALING = {
    "min_replicas": 1,
    # ruleid: ray-serve.autoscaling.excessive-max-replicas
    "max_replicas": 2_000,
    # ruleid: ray-serve.autoscaling.rapid-scaling-delay
    "upscale_delay_s": 0.5,
}

# a delay chosen against a metrics interval the config sets itself
TUNED_AUTOSCALING = {
    "max_replicas": 10,
    # ok: ray-serve.autoscaling.rapid-scaling-delay
    "upscale_delay_s": 3,
    "metrics_interval_s": 2,
}


# ruleid: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(
    max_ongoing_requests=10,
    autoscaling_config=AutoscalingConfig(
        # ruleid: ray-serve.autoscaling.excessive-max-replicas
        max_replicas=500,
        min_replicas=1,
    ),
)
class Embedder:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ruleid: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(autoscaling_config=AutoscalingConfig(max_replicas=100))
class NoReservation:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ruleid: ray-serve.autoscaling.missing-replica-resources
@deployment(
    autoscaling_config={
        # ruleid: ray-serve.autoscaling.rapid-scaling-delay
        "downscale_delay_s": 2,
        # ruleid: ray-serve.autoscaling.rapid-scaling-delay
        "upscale_delay_s": 1,
        # ok: ray-serve.autoscaling.excessive-max-replicas
        "max_replicas": 100,
    }
)
class Jittery:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(
    autoscaling_config=AutoscalingConfig(
        # ruleid: ray-serve.autoscaling.excessive-max-replicas
        max_replicas=1000,
        # ruleid: ray-serve.autoscaling.rapid-scaling-delay
        upscale_delay_s=3,
    ),
    ray_actor_options={"num_cpus": 1},
)
class HugeButSized:
    pass


reranker = serve.deployment(Embedder).options(
    # ruleid: ray-serve.autoscaling.excessive-max-replicas
    autoscaling_config={"max_replicas": 250},
)
