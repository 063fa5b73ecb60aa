"""Real images for tests, made from scikit-image's public-domain astronaut photograph."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from skimage import data


def astronaut(
    fmt: str = "JPEG", *, exif: dict[int, object] | None = None, size: tuple[int, int] | None = None
) -> bytes:
    image = Image.fromarray(data.astronaut())
    if size is not None:
        image = image.resize(size)
    buffer = io.BytesIO()
    options: dict[str, object] = {}
    if exif:
        tags = image.getexif()
        for tag, value in exif.items():
            tags[tag] = value
        options["exif"] = tags.tobytes()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def pixels(data_bytes: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data_bytes)).convert("RGB"))


def huge_png(width: int = 8000, height: int = 6250) -> bytes:
    """50 megapixels of black: a few tens of KB that would inflate to 150 MB."""
    buffer = io.BytesIO()
    Image.new("L", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
