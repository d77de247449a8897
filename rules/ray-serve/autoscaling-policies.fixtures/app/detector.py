"""Object detector with bounded autoscaling."""
import ray
from ray import serve
from ray.serve.config import AutoscalingConfig

GIB = 1024**3


def replica_ceiling(cpus_per_replica: float, mem_per_replica: float) -> int:
    total = ray.cluster_resources()
    by_cpu = int(total.get("CPU", 0) * 0.75 / cpus_per_replica)
    by_mem = int(total.get("memory", 0) * 0.75 / mem_per_replica)
    return max(1, min(by_cpu, by_mem, 64))


# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(
    max_ongoing_requests=24,
    autoscaling_config=AutoscalingConfig(
        min_replicas=2,
        # ok: ray-serve.autoscaling.excessive-max-replicas
        max_replicas=40,
        target_ongoing_requests=8,
        # ok: ray-serve.autoscaling.rapid-scaling-delay
        upscale_delay_s=20,
        # ok: ray-serve.autoscaling.rapid-scaling-delay
        downscale_delay_s=300,
    ),
    ray_actor_options={"num_cpus": 2, "num_gpus": 1, "memory": 6 * GIB},
)
class Detector:
    def __call__(self, image):
        return []


# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(
    autoscaling_config=AutoscalingConfig(min_replicas=1, max_replicas=replica_ceiling(1, 2 * GIB)),
)
class SizedFromCluster:
    pass


# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(autoscaling_config={"min_replicas": 0, "max_replicas": 1})
class SingleReplica:
    pass


# a small ceiling bounds the footprint even without reservations
# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(autoscaling_config=dict(min_replicas=1, max_replicas=8))
class SmallPool:
    pass


# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(autoscaling_config={"min_replicas": 1, "max_replicas": 12})
class ResourcesSetAtBind:
    pass


app = ResourcesSetAtBind.options(ray_actor_options={"num_cpus": 1, "memory": 2 * GIB}).bind()
