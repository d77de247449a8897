# Not a Modal app: plain configuration module of a different service.
import os

# ok: modal.secrets.hardcoded-credential
api_key = "sk-proj-9f8e7d6c5b4a39281706"


def show():
    key = os.environ["API_KEY"]
    # ok: modal.secrets.secret-logged
    print(key)
    # ok: modal.secrets.returned-to-caller
    return {"key": key}
