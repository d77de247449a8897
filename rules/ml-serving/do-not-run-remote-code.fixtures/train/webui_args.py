# A web UI builds trainer arguments that another module hands to the loader.
import json

from .runner import launch


def start_training(model_path, extra):
    args = dict(
        model_name_or_path=model_path,
        # ruleid: ml-serving.python.trust-remote-code-config
        trust_remote_code=True,
        output_dir="/tmp/out",
    )
    args.update(json.loads(extra))
    # ruleid: ml-serving.python.trust-remote-code-config
    overrides = {"trust_remote_code": True}
    # ok: ml-serving.python.trust-remote-code-config
    safe = {"trust_remote_code": False}
    return launch({**args, **overrides, **safe})
