"""Image helpers shared by the vision engines."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

UInt8Array = npt.NDArray[np.uint8]


def shrink(rgb: UInt8Array, max_side: int) -> tuple[UInt8Array, float]:
    """The image with its longest side at most `max_side` (never enlarged), and the scale
    applied (1.0 when unchanged)."""
    scale = min(1.0, max_side / max(rgb.shape[:2]))
    if scale == 1.0:
        return rgb, 1.0
    size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), np.uint8), scale
