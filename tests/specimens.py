"""The project's rendered passport specimen with its MRZ repainted, for tests of zones that
must stay invalid."""

from __future__ import annotations

import cv2
import numpy as np

from openkyc.vision.document.layouts import LAYOUTS
from openkyc.vision.document.layouts.mrzlines import mrz_lines
from openkyc.vision.document.specimen.lines import render_band


def passport_lines() -> list[str]:
    """The MRZ lines of the rendered passport specimen (`render_specimen("passport")`)."""
    return mrz_lines(LAYOUTS["passport"], LAYOUTS["passport"].sample)


def wrong_number_check(lines: list[str]) -> tuple[list[str], str]:
    """A passport zone whose document-number check digit is wrong, and that digit."""
    wrong = "0" if lines[1][9] != "0" else "1"
    return [lines[0], lines[1][:9] + wrong + lines[1][10:]], wrong


def with_mrz(page: np.ndarray, lines: list[str]) -> np.ndarray:
    """The page with its MRZ band painted over by `lines` (same font, same place)."""
    band, _ = render_band(tuple(lines), np.random.default_rng(0))
    height, width = page.shape[:2]
    top = int(height * 0.79)
    resized = np.asarray(cv2.resize(band, (int(width * 0.96), height - top - 5)), np.uint8)
    out = page.copy()
    out[top : top + resized.shape[0], int(width * 0.02) : int(width * 0.02) + resized.shape[1]] = (
        resized
    )
    return out
