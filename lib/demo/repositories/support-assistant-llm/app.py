"""Support assistant: chat completions served from Modal on A10G GPUs with vLLM."""
import os
import time

import modal

MODEL_ID = "mistralai/Mistral-7B-Instruct-v0.3"
MODEL_REVISION = "e0bc86c23ce5aae1db576c8cca6f06f1f73af2db"
HF_TOKEN = "{{FAKE_HF_TOKEN}}"

app = modal.App("support-assistant-llm")

image = (
    modal.Image.debian_slim(python_version="3.11")
    .pip_install("vllm", "transformers", "fastapi[standard]")
    .env({"HF_HUB_ENABLE_HF_TRANSFER": "1", "VLLM_WORKER_MULTIPROC_METHOD": "spawn"})
)

weights = modal.Volume.from_name("support-assistant-weights", create_if_missing=True)


@app.cls(image=image, gpu="A10G", timeout=900, volumes={"/weights": weights}, scaledown_window=300)
class Assistant:
    @modal.enter()
    def load(self):
        from transformers import AutoTokenizer
        from vllm import LLM

        self.tokenizer = AutoTokenizer.from_pretrained(MODEL_ID, revision=MODEL_REVISION, token=HF_TOKEN, trust_remote_code=True)
        self.llm = LLM(model=MODEL_ID, revision=MODEL_REVISION, download_dir="/weights", max_model_len=8192)

    @modal.method()
    def complete(self, messages: list[dict], max_tokens: int = 512, temperature: float = 0.2) -> str:
        from vllm import SamplingParams

        prompt = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        params = SamplingParams(max_tokens=max_tokens, temperature=temperature)
        return self.llm.generate([prompt], params)[0].outputs[0].text


@app.function(image=image, timeout=120)
@modal.fastapi_endpoint(method="POST")
def chat(body: dict):
    started = time.monotonic()
    reply = Assistant().complete.remote(body["messages"], body.get("max_tokens", 512))
    return {"reply": reply, "latency_ms": int((time.monotonic() - started) * 1000)}
