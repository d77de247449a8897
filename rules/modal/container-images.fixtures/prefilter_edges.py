"""Edge case for the modal gate: modal imported beside another module on one line."""
import sys, modal

image = (
    # ruleid: modal.image.runs-as-root
    modal.Image.debian_slim()
    # ruleid: modal.image.apt-install-download-tool
    .apt_install("wget")
    .pip_install("numpy==1.26.4")
)
# ok: modal.image.apt-install-download-tool
# ruleid: modal.image.runs-as-root
slim = modal.Image.debian_slim().apt_install("libgl1")

if __name__ == "__main__":
    sys.exit(0)
