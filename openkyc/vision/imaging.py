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


def rotate_grown(
    image: UInt8Array, degrees: float, fill: float | tuple[float, ...] | None = None
) -> tuple[UInt8Array, npt.NDArray[np.float64]]:
    """`image` turned `degrees` counter-clockwise (OpenCV's sense) about its centre, on a canvas
    grown to hold all of it, and the 2x3 matrix from the image's pixels to the turned one's.
    The corners are `fill` (a grey level or a colour), or the border replicated when None."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(height * sin + width * cos), int(height * cos + width * sin))
    matrix[0, 2] += size[0] / 2 - width / 2
    matrix[1, 2] += size[1] / 2 - height / 2
    if fill is None:
        out = cv2.warpAffine(image, matrix, size, borderMode=cv2.BORDER_REPLICATE)
    else:
        out = cv2.warpAffine(image, matrix, size, borderValue=fill)
    return np.asarray(out, np.uint8), np.asarray(matrix, np.float64)
