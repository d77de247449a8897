"""LLM gateway: one API for product teams in front of OpenAI and the self-hosted models."""
import os
from pathlib import Path

import bentoml
from openai import OpenAI

PROMPTS = Path(__file__).parent / "prompts"

image = bentoml.images.Image(python_version="3.11").python_packages("openai", "tiktoken==0.8.0", "jinja2==3.1.4")


@bentoml.service(
    image=image,
    traffic={"timeout": 60, "concurrency": 32},
    http={"cors": {"enabled": True, "access_control_allow_origins": "*", "access_control_allow_methods": ["POST"]}},
)
class Gateway:
    def __init__(self) -> None:
        self.client = OpenAI(api_key=os.environ.get("OPENAI_API_KEY", "{{FAKE_OPENAI_KEY}}"))

    @bentoml.api
    def complete(self, template: str, variables: dict) -> str:
        prompt = open(PROMPTS / template).read().format(**variables)
        out = self.client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], max_tokens=800)
        return out.choices[0].message.content

    @bentoml.api
    def calculate(self, expression: str) -> float:
        # Tool call used by the agent for arithmetic in answers.
        return float(eval(expression))
