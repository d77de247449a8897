"""Thumbnails of uploaded images: Pillow decodes what callers send."""
from PIL import Image


def thumbnail(upload, size=(128, 128)):
    img = Image.open(upload)
    img.thumbnail(size)
    return img
