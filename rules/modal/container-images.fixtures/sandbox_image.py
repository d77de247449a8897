"""A shared sandbox image whose accounts are created by a helper applied after the base is built."""
import modal

SERVICE_USER = "svc"


def account_commands() -> tuple[str, ...]:
    return (f"useradd --system --uid 1900 {SERVICE_USER}",)


def build_image() -> modal.Image:
    # ok: modal.image.runs-as-root
    image = modal.Image.debian_slim(python_version="3.12").pip_install("fastapi==0.118.0")
    image = image.run_commands(*account_commands())
    return image
