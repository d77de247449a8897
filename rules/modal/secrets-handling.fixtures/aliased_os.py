# os imported under another name: reading a secret from the environment and logging it is the same leak.
import logging
import os as _os

import modal

app = modal.App("aliased-os")
log = logging.getLogger(__name__)


@app.function(secrets=[modal.Secret.from_name("hf")])
def warm_up():
    # ruleid: modal.secrets.secret-logged
    log.info("token %s", _os.environ.get("HF_TOKEN"))
    # ruleid: modal.secrets.secret-logged
    print(_os.getenv("OPENAI_API_KEY"))
    # ok: modal.secrets.secret-logged
    log.info("token set: %s", _os.getenv("HF_TOKEN") is not None)
