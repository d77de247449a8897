# trust_remote_code handed to a loader inside a dict of arguments.
from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM, pipeline
from vllm import LLM


def load(model_name):
    # ruleid: ml-serving.python.trust-remote-code-kwargs
    init_kwargs = dict(trust_remote_code=True, revision="main")
    tokenizer = AutoTokenizer.from_pretrained(model_name, **init_kwargs)
    # ruleid: ml-serving.python.trust-remote-code-kwargs
    config = {"trust_remote_code": True, "torch_dtype": "auto"}
    model = AutoModelForCausalLM.from_pretrained(model_name, **config)
    # ok: ml-serving.python.trust-remote-code-kwargs
    plain = LlamaForCausalLM.from_pretrained(model_name, **config)
    return tokenizer, model, plain


def build_pipeline(name):
    kwargs = {"device_map": "auto"}
    # ruleid: ml-serving.python.trust-remote-code-kwargs
    kwargs["trust_remote_code"] = True
    return pipeline("text-generation", model=name, model_kwargs=kwargs)


def dataset(name, args):
    opts = {}
    # ruleid: ml-serving.python.trust-remote-code-kwargs
    opts.update(trust_remote_code=True)
    ds = load_dataset(name, **opts)
    safe = {"trust_remote_code": False}
    # ok: ml-serving.python.trust-remote-code-kwargs
    other = load_dataset(name, **safe)
    return ds, other


def load_multiline(name):
    engine_args = {
        "model": name,
        # ruleid: ml-serving.python.trust-remote-code-kwargs
        "trust_remote_code": True,
    }
    return LLM(**engine_args)


def pass_on(model_args):
    kwargs = {}
    if model_args.trust_remote_code:
        # ok: ml-serving.python.trust-remote-code-config
        kwargs["trust_remote_code"] = True
    return kwargs
