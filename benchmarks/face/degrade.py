"""Make one side of a pair look like an ID-card portrait: small, printed, compressed, soft.

Deterministic per (image, face width): the random JPEG quality and colour cast are seeded by
the file name, so every run and every system sees the same degraded bytes.
"""

from __future__ import annotations

import io
import zlib

import cv2
import numpy as np
from PIL import Image

#: Portrait framing around the face box, in face widths: ID photos show hair and shoulders.
SIDE, ABOVE, BELOW = 0.45, 0.6, 0.75
BLUR_SIGMA = 0.8
JPEG_QUALITY = (30, 40)


def degrade(
    rgb: np.ndarray, box: tuple[int, int, int, int] | None, face_px: int, key: str
) -> bytes:
    """Return JPEG bytes of a portrait crop whose face is ``face_px`` wide.

    ``box`` (x, y, w, h) is the face found on the clean image; without one the whole image is
    shrunk so its width is twice ``face_px`` (the detector will probably miss it: counted).
    """
    rng = np.random.default_rng(zlib.crc32(f"{key}:{face_px}".encode()))
    crop, face_width = _frame(rgb, box, face_px)
    scale = face_px / face_width
    small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    printed = _print_look(small, rng)
    blurred = cv2.GaussianBlur(printed, (0, 0), BLUR_SIGMA)
    quality = int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1))
    buffer = io.BytesIO()
    Image.fromarray(blurred).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _frame(
    rgb: np.ndarray, box: tuple[int, int, int, int] | None, face_px: int
) -> tuple[np.ndarray, float]:
    if box is None:
        return rgb, rgb.shape[1] / 2.0
    x, y, w, h = box
    x0, x1 = max(int(x - SIDE * w), 0), min(int(x + w + SIDE * w), rgb.shape[1])
    y0, y1 = max(int(y - ABOVE * h), 0), min(int(y + h + BELOW * h), rgb.shape[0])
    return rgb[y0:y1, x0:x1], float(w)


def _print_look(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Lower contrast and saturation, lift blacks, add a random warm/green cast."""
    image = rgb.astype(np.float32) / 255.0
    grey = image.mean(axis=2, keepdims=True)
    image = grey + (image - grey) * rng.uniform(0.6, 0.8)  # faded inks
    image = 0.08 + image * rng.uniform(0.78, 0.88)  # paper white, lifted blacks
    cast = np.array([rng.uniform(1.0, 1.06), rng.uniform(0.97, 1.03), rng.uniform(0.88, 0.97)])
    image = np.clip(image * cast, 0.0, 1.0) ** rng.uniform(0.9, 1.1)
    return (image * 255.0 + 0.5).astype(np.uint8)
