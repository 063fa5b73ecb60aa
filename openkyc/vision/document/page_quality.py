"""How well a document was captured: sharpness, glare, resolution and cropping of the warped
page, and the refusals a person can act on (`page.find_document` grades every page with it).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.layouts.model import PAGE_MM, PageFormat

UInt8Array = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float32]

BORDER_MARGIN = 0.01
"""A corner closer than this share of the image side to its border counts as touching it."""
SHARPNESS_REF = 400.0
"""Laplacian variance mapped to sharpness 1.0 (crisp 254 dpi specimen renders reach 600-2000)."""
SHARPNESS_MIN = 0.08
"""Refuse below this. CIV specimen photo (9 px/mm): blur sigma 0.8 -> 0.50, 1.5 -> 0.18,
2.5 -> 0.06, 4 -> 0.03; Tesseract still read every field at sigma 1.5."""
GLARE_LEVEL = 250
"""A pixel whose three channels are all at or above this is a clipped highlight."""
GLARE_MAX = 0.08
"""Refuse when more than this share of the page is clipped (a lamp spot over a name field).
A CIV specimen photo with a strength-1.6 highlight measures 0.18; strength 0.3 measures 0."""
PAPER_WHITE = 245
"""Page median grey at or above this: the background itself is clipped (a flatbed scan of a
pale card), so clipped pixels are paper, not glare, and do not refuse the image."""
MIN_PX_PER_MM = 4.0
"""Below ~100 dpi printed 2.5 mm text has fewer than 10 px of height: unreadable."""


@dataclass(frozen=True)
class Quality:
    sharpness: float
    """0-1, variance of the Laplacian of the warped page / SHARPNESS_REF, capped at 1."""
    glare: float
    """Share of the page's pixels that are clipped highlights."""
    resolution: float
    """Pixels per millimetre of the document in the source photo."""
    cropping: float
    """Share of the document's corners lying on the photo border (0 = whole document seen)."""


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def touching(quad: FloatArray, shape: tuple[int, ...]) -> int:
    """How many corners lie on (or within BORDER_MARGIN of) the photo border."""
    margin_x, margin_y = BORDER_MARGIN * shape[1], BORDER_MARGIN * shape[0]
    return sum(
        x <= margin_x
        or y <= margin_y
        or x >= shape[1] - 1 - margin_x
        or y >= shape[0] - 1 - margin_y
        for x, y in quad.tolist()
    )


def px_per_mm(quad: FloatArray, fmt: PageFormat) -> float:
    """Pixels per millimetre of a document of format `fmt` whose corners are `quad`."""
    width_px = float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    return width_px / PAGE_MM[fmt][0]


def grade(page: UInt8Array, quad: FloatArray, shape: tuple[int, ...], fmt: PageFormat) -> Quality:
    """The warped `page`'s quality; `quad`: its corners in the photo of `shape` it came from."""
    gray = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    sharp = float(cv2.Laplacian(gray, cv2.CV_64F).var()) / SHARPNESS_REF
    clipped = float(np.mean(np.all(page >= GLARE_LEVEL, axis=2)))
    return Quality(
        sharpness=round(min(1.0, sharp), 3),
        glare=round(clipped, 4),
        resolution=round(px_per_mm(quad, fmt), 2),
        cropping=touching(quad, shape) / 4,
    )


def refusals(quality: Quality, found: bool, paper_white: bool = False) -> tuple[Refusal, ...]:
    """Reasons a person can act on, in the order they should fix them.

    Cropping refuses only when some but not all corners touch the border: all four touching
    is a tight scan or crop of the whole document.
    """
    out = []
    if found and 0 < quality.cropping < 1:
        out.append(
            Refusal(
                "document_cropped",
                "A corner of the document is outside the "
                "photo: move back so the whole document shows with a margin.",
            )
        )
    if quality.resolution < MIN_PX_PER_MM:
        out.append(
            Refusal(
                "low_resolution",
                f"The document is {quality.resolution:.1f} "
                f"px/mm (< {MIN_PX_PER_MM}): move closer or use more pixels.",
            )
        )
    if quality.sharpness < SHARPNESS_MIN:
        out.append(
            Refusal(
                "too_blurry",
                f"Sharpness {quality.sharpness:.2f} < {SHARPNESS_MIN}: "
                "hold still and let the camera focus.",
            )
        )
    if quality.glare > GLARE_MAX and not paper_white:
        out.append(
            Refusal(
                "glare",
                f"{quality.glare:.0%} of the document is washed out "
                f"(> {GLARE_MAX:.0%}): tilt the document away from the light.",
            )
        )
    return tuple(out)


def is_paper_white(page: UInt8Array) -> bool:
    """Whether the page's background itself is clipped (a flatbed scan of a pale card)."""
    return float(np.median(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY))) >= PAPER_WHITE
