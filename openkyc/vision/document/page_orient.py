"""Which way up the page is: Tesseract's orientation and script detection (`osd` model)."""

from __future__ import annotations

import re
import subprocess

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.tesseract import TESSERACT, TESSERACT_ENV

OSD_TIMEOUT_S = 10.0
OSD_MIN_CONFIDENCE = 1.5
"""Below this Tesseract's guess is a coin toss (upright specimens score 2-15, noise < 1)."""


def osd_rotation(rgb: npt.NDArray[np.uint8]) -> int:
    """Degrees to turn the page clockwise to make it upright (0, 90, 180, 270); 0 when unsure."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    ok, png = cv2.imencode(".png", gray)
    if not ok:
        return 0
    try:
        done = subprocess.run(
            [TESSERACT, "stdin", "stdout", "--psm", "0", "--dpi", "254"],
            input=png.tobytes(),
            capture_output=True,
            timeout=OSD_TIMEOUT_S,
            check=False,
            env=TESSERACT_ENV,
        )
    except (OSError, subprocess.TimeoutExpired):
        return 0
    text = done.stdout.decode("utf-8", "replace")
    rotate = re.search(r"Rotate:\s*(\d+)", text)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", text)
    if not rotate or not confidence or float(confidence[1]) < OSD_MIN_CONFIDENCE:
        return 0
    return int(rotate[1]) % 360
