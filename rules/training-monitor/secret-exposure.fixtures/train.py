"""Fine-tuning entry point: credentials must come from the environment, never from this file."""
import os

import wandb
from huggingface_hub import login

# ruleid: training-monitor.secret.hardcoded-literal
api_key = "sk-5550123456"
# ruleid: training-monitor.secret.hardcoded-literal
openai_api_key = "sk-4f9Qm2Lx8Rt7"
# a known prefix with a filler body is a placeholder, not a token
# ok: training-monitor.secret.hardcoded-literal
token = "ghp_xxxxxxxxxxxxxxxx"
# ruleid: training-monitor.secret.hardcoded-literal
TRACKER_SECRET = "9c1d7f0b2e6a4c3d8e5f7a1b"
# ruleid: training-monitor.secret.hardcoded-literal
db_password: str = "Tr41n!ng-Db#2024"

# ok: training-monitor.secret.hardcoded-literal
api_key = os.environ.get("OPENAI_API_KEY")
# ok: training-monitor.secret.hardcoded-literal
hf_token = os.environ["HF_TOKEN"]
# ok: training-monitor.secret.hardcoded-literal
api_key_env = "OPENAI_API_KEY"
# ok: training-monitor.secret.hardcoded-literal
token = "OPENAI_API_KEY"
# ok: training-monitor.secret.hardcoded-literal
password = ""
# ok: training-monitor.secret.hardcoded-literal
password = "changeme"
# ok: training-monitor.secret.hardcoded-literal
api_key = "<your-api-key>"
# ok: training-monitor.secret.hardcoded-literal
secret = "${TRAINING_SECRET}"
# ok: training-monitor.secret.hardcoded-literal
token = "Bearer"
# ok: training-monitor.secret.hardcoded-literal
client_secret = "your-client-secret-here"
# ok: training-monitor.secret.hardcoded-literal
private_key = "keys/signing-key.pem"
# ok: training-monitor.secret.hardcoded-literal
credentials = "/var/run/secrets/gcp/sa.json"
# ok: training-monitor.secret.hardcoded-literal
secret = "xxxxxxxxxxxx"
# ok: training-monitor.secret.hardcoded-literal
token = "test-token-0001"
# ok: training-monitor.secret.hardcoded-literal
token_url = "https://auth.example.org/oauth2/token"
# ok: training-monitor.secret.hardcoded-literal
api_key = f"{os.environ['KEY_PREFIX']}-{os.environ['KEY_BODY']}"
# ok: training-monitor.secret.hardcoded-literal
secret_name = "training-secrets-v2"


class Trainer:
    def __init__(self, run_name: str):
        # ruleid: training-monitor.secret.hardcoded-literal
        self.api_token = "a8Fq03kLmZp9Wc1T"
        # ok: training-monitor.secret.hardcoded-literal
        self.token = os.environ["TRAINER_TOKEN"]
        self.run_name = run_name

    def start(self):
        # ruleid: training-monitor.secret.hardcoded-literal
        login(token="hf_abcdefGHIJKLmnopQRST0123456789uv")
        # ok: training-monitor.secret.hardcoded-literal
        login(token=os.environ["HF_TOKEN"])
        wandb.init(project="cats", name=self.run_name)


def connect(
    host: str,
    # ruleid: training-monitor.secret.hardcoded-literal
    password: str = "s3cr3t-P4ssw0rd",
    # ok: training-monitor.secret.hardcoded-literal
    token: str | None = None,
):
    return host, password, token
