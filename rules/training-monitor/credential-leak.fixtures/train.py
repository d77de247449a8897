import os
import subprocess

import modal

app = modal.App("finetune")

# ruleid: training-monitor.credential.python-environ-literal (critical)
os.environ["AWS_SECRET_ACCESS_KEY"] = "tR4inJ0b/Sec7etK3y+ExAmPlE9zQ2wV8uN5mL1x"
# ruleid: training-monitor.credential.python-environ-literal
os.environ.setdefault("HF_TOKEN", "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
# ruleid: training-monitor.credential.python-environ-literal
MODAL_TOKEN_ID = "ak-9Fq2Lm8Rt7Wc1Zp3Kx4V"

# ok: training-monitor.credential.python-environ-literal
key_id = os.environ["AWS_ACCESS_KEY_ID"]
# ok: training-monitor.credential.python-environ-literal
region = os.environ.get("AWS_REGION", "us-east-1")
# ok: training-monitor.credential.python-environ-literal
token = os.getenv("HF_TOKEN", "")
# stand-ins for the value, not the value
# ok: training-monitor.credential.python-environ-literal
os.environ["HF_TOKEN"] = "YOUR_HF_TOKEN"
# ok: training-monitor.credential.python-environ-literal
os.environ.setdefault("OPENAI_API_KEY", "<your-key>")
# ok: training-monitor.credential.python-environ-literal
os.environ["WANDB_API_KEY"] = "changeme"
# ok: training-monitor.credential.python-environ-literal
os.environ["AWS_ACCESS_KEY_ID"] = os.environ["TRAINING_AWS_KEY_ID"]
# ok: training-monitor.credential.python-environ-literal
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
# ok: training-monitor.credential.python-environ-literal
TOKEN_ENV = "MODAL_TOKEN_SECRET"
# ok: training-monitor.credential.python-environ-literal
AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY"


def upload(path: str) -> None:
    # ruleid: training-monitor.credential.python-environ-literal
    secret = os.getenv("AZURE_CLIENT_SECRET", "Q7x8Q~abcDEFghiJKLmnoPQRstuVWXyz012345")
    subprocess.run(
        ["az", "storage", "blob", "upload", "--file", path],
        env={
            **os.environ,
            # ruleid: training-monitor.credential.python-environ-literal
            "AZURE_STORAGE_KEY": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==",
            # ok: training-monitor.credential.python-environ-literal
            "AZURE_STORAGE_ACCOUNT": "trainingdata",
        },
        check=True,
    )
    return secret


# ok: training-monitor.credential.python-environ-literal
@app.function(secrets=[modal.Secret.from_name("training-secrets")])
def train():
    # ok: training-monitor.credential.python-environ-literal
    api_key = os.environ["API_KEY"]
    return api_key
