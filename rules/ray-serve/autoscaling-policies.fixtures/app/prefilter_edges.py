"""Edge cases: ray imported as a dotted module (odd spacing) with an alias, settings spread over lines."""
import  ray.serve as serve
from ray.serve.config import AutoscalingConfig
from transformers import AutoModel

spiky = AutoscalingConfig(
    min_replicas=0,
    # ruleid: ray-serve.autoscaling.excessive-max-replicas
    max_replicas=101,
    # ruleid: ray-serve.autoscaling.rapid-scaling-delay
    downscale_delay_s=3,
    # ok: ray-serve.autoscaling.rapid-scaling-delay
    upscale_delay_s=30,
)


# ruleid: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(
    autoscaling_config={
        # ok: ray-serve.autoscaling.excessive-max-replicas
        "max_replicas": 40,
    },
)
class Spiky:
    def __init__(self):
        self.model = AutoModel.from_pretrained("org/model")


# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(autoscaling_config={"max_replicas": 40}, ray_actor_options={"num_cpus": 1})
class Reserved:
    pass
