"""Face embeddings for same-face consistency and for matching the best frame to a document.

The default embedder aligns with dlib's 5-point landmarks (public domain), seeded with the
MediaPipe face box so no second detector runs, and describes the chip with the face engine's
ResNet (``openkyc.vision.face.descriptor``: in this process or in its helper processes).
The service may pass its own embedder (e.g. the face engine of openkyc.vision.face) instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from openkyc.vision.face import descriptor
from openkyc.vision.face.detect import CHIP_PADDING, CHIP_SIZE

#: (RGB frame, face box x0, y0, x1, y1 in px) -> 128-D embedding, or None when unusable.
Box = tuple[float, float, float, float]
Embedder = Callable[[NDArray[np.uint8], Box], NDArray[np.float32] | None]


class DlibEmbedder:
    """dlib ResNet embedding of the face inside a given box (one instance per process)."""

    def __init__(self) -> None:
        import dlib
        import face_recognition_models as models

        self._shape = dlib.shape_predictor(models.pose_predictor_five_point_model_location())
        self._dlib: Any = dlib
        self._lock = threading.Lock()

    def __call__(self, rgb: NDArray[np.uint8], box: Box) -> NDArray[np.float32] | None:
        x0, y0, x1, y1 = box
        # The mesh box runs from forehead to chin; dlib's HOG box starts at the brows.
        top = y0 + 0.15 * (y1 - y0)
        rect = self._dlib.rectangle(int(x0), int(top), int(x1), int(y1))
        image = np.ascontiguousarray(rgb)
        with self._lock:
            shape = self._shape(image, rect)
        chip = self._dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
        return descriptor.describe([np.asarray(chip, np.uint8)])[0]


@lru_cache(maxsize=1)
def dlib_embedder() -> DlibEmbedder:
    """Factory: the dlib models load on first use, once per process."""
    return DlibEmbedder()


def embedding_distance(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    """Euclidean distance of two embeddings (dlib: same person typically < 0.5)."""
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)))
