"""Edge cases for the modal gate (modal imported beside other modules), the `env` word needle and the reordered rules."""
import json, modal
import os as _os
from os import environ, getenv

app = modal.App("edges")

# Image.env with a space before the parenthesis and the call split over lines
env_img = (
    modal.Image.debian_slim()
    .env (
        {
            # ruleid: modal.secrets.secret-in-image-build
            "WANDB_API_KEY": _os.environ["WANDB_API_KEY"],
            # ok: modal.secrets.secret-in-image-build
            "WANDB_MODE": "offline",
        }
    )
)

# ruleid: modal.secrets.secret-in-image-build
build_img = modal.Image.debian_slim().run_commands("export HF_TOKEN=hf_live_value_1234 && make")

settings = {
    # ruleid: modal.secrets.hardcoded-credential
    "api_key": "Zt8pQ2mW9xL4vB7nK3cR",
    # ok: modal.secrets.hardcoded-credential
    "region": "eu-west-1-az2",
}


@app.function(timeout=60)
def log_multiline():
    token = getenv("HF_TOKEN")
    logger = __import__("logging").getLogger("edges")
    logger.warning(
        "token=%s",
        # ruleid: modal.secrets.secret-logged
        token,
    )
    # ruleid: modal.secrets.secret-logged
    print("key", environ["OPENAI_API_KEY"], sep="=")
    # ok: modal.secrets.secret-logged
    print(json.dumps({"configured": bool(token)}))
    # ok: modal.secrets.secret-logged
    print(token.startswith("hf_"))


@app.function(timeout=60)
def hand_back():
    secret = environ.get("STRIPE_SECRET_KEY")
    # ruleid: modal.secrets.returned-to-caller
    return {"stripe": secret}


@app.function(timeout=60)
def hand_back_safely():
    secret = environ.get("STRIPE_SECRET_KEY")
    # ok: modal.secrets.returned-to-caller
    return {"configured": secret is not None, "length": len(secret or "")}


def not_a_modal_function():
    secret = environ.get("STRIPE_SECRET_KEY")
    # ok: modal.secrets.returned-to-caller
    return secret
