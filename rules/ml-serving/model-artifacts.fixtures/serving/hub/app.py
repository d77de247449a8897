"""A Ray Serve deployment that fetches its models from the Hugging Face Hub when a replica starts."""
from huggingface_hub import hf_hub_download, snapshot_download
from moshi.models import loaders
from ray import serve
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

CAPTIONER = "Salesforce/blip-image-captioning-base"
PINNED_SHA = "82a37760796d32b1411fe092ab5d4e227313294b"


@serve.deployment
class Captioner:
    def __init__(self, model_dir: str = "/models/local"):
        model_id = "IDEA-Research/grounding-dino-base"
        # ruleid: ml-serving.artifact.unpinned-model-revision
        self.tokenizer = AutoTokenizer.from_pretrained(model_id)
        # ruleid: ml-serving.artifact.unpinned-model-revision
        self.captioner = pipeline("image-to-text", model=CAPTIONER)
        # ruleid: ml-serving.artifact.unpinned-model-revision
        self.weights = hf_hub_download("kyutai/moshiko-pytorch-bf16", "model.safetensors")
        # ruleid: ml-serving.artifact.unpinned-model-revision
        self.mimi = hf_hub_download(loaders.DEFAULT_REPO, loaders.MIMI_NAME)
        # ok: ml-serving.artifact.unpinned-model-revision
        self.model = AutoModelForCausalLM.from_pretrained(model_id, revision=PINNED_SHA)
        # ok: ml-serving.artifact.unpinned-model-revision
        self.local = AutoModelForCausalLM.from_pretrained(model_dir)
        # ok: ml-serving.artifact.unpinned-model-revision
        self.vendored = AutoModelForCausalLM.from_pretrained("./weights/llama")
        # ok: ml-serving.artifact.unpinned-model-revision
        self.cache = snapshot_download(repo_id="meta-llama/Llama-3.1-8B-Instruct", revision="0e9e39f249a16976918f6564b8830bc894c89659")
        # ok: ml-serving.artifact.unpinned-model-revision
        self.file = hf_hub_download("org/name", "config.json", revision=PINNED_SHA)
        # ok: ml-serving.artifact.unpinned-model-revision
        self.cached = snapshot_download(CAPTIONER, local_files_only=True)
