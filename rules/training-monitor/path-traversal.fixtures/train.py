import os
import shutil
from pathlib import Path

DATA_ROOT = Path("/data")


def load_labels(filename: str) -> list[str]:
    # ruleid: training-monitor.path.dotdot-literal
    with open("../../../etc/shadow", encoding="utf-8") as fh:
        _ = fh.read()
    # ok: training-monitor.path.dotdot-literal, training-monitor.path.request-data
    safe_path = Path("/datasets") / "dogs" / filename
    # ok: training-monitor.path.request-data
    with open(safe_path) as fh:
        return fh.read().splitlines()


def copy_credentials(dest: str) -> None:
    # ruleid: training-monitor.path.dotdot-literal
    shutil.copy("..\\..\\..\\Users\\trainer\\.aws\\credentials", dest)
    # ruleid: training-monitor.path.dotdot-literal
    key = (Path("/srv/app") / "../../../root/.ssh/id_rsa").read_text()
    return key


# ok: training-monitor.path.dotdot-literal
CONFIG_DIR = os.path.join(os.path.dirname(__file__), "..", "config")
# ok: training-monitor.path.dotdot-literal
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../etc/train.yaml")) as fh:
    settings = fh.read()
# ok: training-monitor.path.dotdot-literal
with open("../data/train.csv") as fh:
    rows = fh.readlines()
# ok: training-monitor.path.dotdot-literal
print("../../etc/passwd is a classic traversal payload")
