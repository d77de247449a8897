"""Shapes at the edges of training-monitor.credential.python-environ-literal's prefilter: one case per statement."""
import os as operating_system
from types import SimpleNamespace

# a provider prefix with a middle part before the secret suffix
# ruleid: training-monitor.credential.python-environ-literal
operating_system.environ["HUGGING_FACE_HUB_TOKEN"] = "hf_Kq2Wm8Lx4Rt7Vz1Pn5Bc9Dj3Fg6Hs0Ty"

# an attribute target on a settings object
settings = SimpleNamespace()
# ruleid: training-monitor.credential.python-environ-literal
settings.AZURE_STORAGE_CONNECTION_STRING = "DefaultEndpointsProtocol=https;AccountName=trainlogs;AccountKey=Zm9vYmFyMTIz"


# a keyword default in a function signature, spread over lines
def register(
    host,
    # ruleid: training-monitor.credential.python-environ-literal
    DATABRICKS_TOKEN=
        "dapi7f3c9a1e5b2d8f4c6a0e9b3d7f1c5a2e",
):
    return host


# a putenv call through an aliased module, arguments on their own lines (reported at the call)
# ruleid: training-monitor.credential.python-environ-literal
operating_system.putenv(
    "WANDB_API_KEY",
    "c3f9a1e7b5d2f8c4a6e0b9d3f7c1a5e2b8d4f6a0",
)

# ok: training-monitor.credential.python-environ-literal
operating_system.environ["WANDB_PROJECT"] = "vision-finetune"
