import bentoml


@bentoml.service(resources={"gpu": 1})
class LLM:
    model = bentoml.models.HuggingFaceModel("org/model")

    def __command__(self) -> list[str]:
        # BentoML proxies every /v1 route to this process
        # ruleid: ml-serving.llm-server.no-api-key
        return [
            "vllm",
            "serve",
            self.model,
            "--port",
            "8000",
            "--enable-auto-tool-choice",
        ]
