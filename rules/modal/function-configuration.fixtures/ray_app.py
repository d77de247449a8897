# A Ray Serve deployment is not Modal code: the framework-neutral ml-serving check reports it.
from ray import serve
from transformers import AutoModelForCausalLM


@serve.deployment(ray_actor_options={"num_gpus": 1})
class Generator:
    def __init__(self, name: str):
        # ok: modal.function.trust-remote-code
        self.model = AutoModelForCausalLM.from_pretrained(name, trust_remote_code=True)
