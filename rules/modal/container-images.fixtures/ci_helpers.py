# Not Modal: an internal image-builder wrapper with methods of the same names.
from buildkit import ImageBuilder

builder = ImageBuilder()
# ok: modal.image.unpinned-registry-image, modal.image.full-base-image
builder.from_registry("python")
# ok: modal.image.apt-install-remote-access-tool
builder.apt_install("openssh-server")
# ok: modal.image.copies-whole-project
builder.add_local_dir(".")
