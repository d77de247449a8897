"""A TorchServe handler and a Ray Serve app: loaders that import repository code, and calls that do not."""
import os
import subprocess

import datasets
import evaluate
import transformers
from sentence_transformers import SentenceTransformer
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM, pipeline
from ts.torch_handler.base_handler import BaseHandler
from vllm import LLM, AsyncEngineArgs

# ruleid: ml-serving.python.trust-remote-code-env
os.environ["HF_DATASETS_TRUST_REMOTE_CODE"] = "1"
# ruleid: ml-serving.python.trust-remote-code-env
os.environ.setdefault("TRUST_REMOTE_CODE", "true")
# ruleid: ml-serving.python.trust-remote-code-env
os.putenv("VLLM_TRUST_REMOTE_CODE", "1")
# ok: ml-serving.python.trust-remote-code-env
os.environ["TRUST_REMOTE_CODE"] = "0"
# ok: ml-serving.python.trust-remote-code-env
os.environ["HF_HUB_OFFLINE"] = "1"


class Handler(BaseHandler):
    def initialize(self, ctx):
        name = ctx.model_yaml_config["model_name"]
        self.model = AutoModelForCausalLM.from_pretrained(
            name,
            # ruleid: ml-serving.python.trust-remote-code
            trust_remote_code=True,
        )
        # ruleid: ml-serving.python.trust-remote-code
        self.config = transformers.AutoConfig.from_pretrained(name, trust_remote_code=True)
        # ok: ml-serving.python.trust-remote-code
        self.tok = AutoTokenizer.from_pretrained(name, trust_remote_code=False)
        # a concrete class ignores the flag: nothing is imported from the repository
        # ok: ml-serving.python.trust-remote-code
        self.base = LlamaForCausalLM.from_pretrained(name, trust_remote_code=True)
        # a configurable switch is not judged here
        # ok: ml-serving.python.trust-remote-code
        self.cfg = AutoConfig.from_pretrained(name, trust_remote_code=ctx.trust)


def build():
    # ruleid: ml-serving.python.trust-remote-code
    pipe = pipeline("text-generation", model="org/model", trust_remote_code=True)
    # ruleid: ml-serving.python.trust-remote-code
    ds = datasets.load_dataset("org/data", trust_remote_code=True)
    # ruleid: ml-serving.python.trust-remote-code
    emb = SentenceTransformer("org/embedder", trust_remote_code=True)
    # ruleid: ml-serving.python.trust-remote-code
    llm = LLM(model="org/model", trust_remote_code=True)
    # ruleid: ml-serving.python.trust-remote-code
    args = AsyncEngineArgs(model="org/model", trust_remote_code=True)
    # ruleid: ml-serving.python.trust-remote-code
    metric = evaluate.load("org/metric", trust_remote_code=True)
    # a function of our own that happens to take the keyword is not a loader
    # ok: ml-serving.python.trust-remote-code
    report = summarize_settings(trust_remote_code=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # ruleid: ml-serving.python.trust-remote-code-env
    env.update({"TRUST_REMOTE_CODE": "1"})
    subprocess.run(["python", "worker.py"], env=env, check=True)
    return pipe, ds, emb, llm, args, metric, report


def summarize_settings(**kwargs):
    return kwargs
