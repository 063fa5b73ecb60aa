"""Which way up the page is: Tesseract's orientation and script detection (`osd` model)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.tesseract import TesseractError, orientation

OSD_DPI = 254
OSD_MIN_CONFIDENCE = 1.5
"""Below this Tesseract's guess is a coin toss (upright specimens score 2-15, noise < 1)."""


def osd_rotation(rgb: npt.NDArray[np.uint8]) -> int:
    """Degrees to turn the page clockwise to make it upright (0, 90, 180, 270); 0 when unsure
    (or when the `osd` model is not installed)."""
    gray = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), np.uint8)
    try:
        rotate, confidence = orientation(gray, OSD_DPI)
    except TesseractError:
        return 0
    return rotate if confidence >= OSD_MIN_CONFIDENCE else 0
