"""The speech model the Serve config scales: its decorator reserves a GPU, which the config leaves in force."""
from ray import serve
from transformers import pipeline


# ok: ray-serve.autoscaling.missing-replica-resources
@serve.deployment(name="asr_model", ray_actor_options={"num_gpus": 1}, autoscaling_config={"max_replicas": 8})
class SpeechToText:
    def __init__(self):
        self.asr = pipeline("automatic-speech-recognition")

    def __call__(self, audio: bytes):
        return self.asr(audio)
