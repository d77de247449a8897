"""A Celery-style worker pool: its own autoscaling dict is not Ray Serve's."""
import celery

# ok: ray-serve.autoscaling.excessive-max-replicas
WORKER_AUTOSCALING = {"max_replicas": 400, "upscale_delay_s": 1}


def AutoscalingConfig(**kw):
    return kw


# ok: ray-serve.autoscaling.rapid-scaling-delay
pool = AutoscalingConfig(max_replicas=300, upscale_delay_s=2)
