"""Result types of the printed-field (VIZ) reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

PxBox = tuple[int, int, int, int]
EngineName = Literal["tesseract", "rapidocr"]


@dataclass(frozen=True)
class Word:
    text: str
    box: PxBox
    """x0, y0, x1, y1 in page pixels."""
    confidence: float
    """0-1 as reported by the engine."""


@dataclass(frozen=True)
class TextLine:
    text: str
    box: PxBox
    confidence: float
    words: tuple[Word, ...]
    engine: EngineName


@dataclass(frozen=True)
class FieldValue:
    value: str
    """Normalised: ISO 8601 dates, alpha-3 countries, upper-case Latin without accents."""
    value_accented: str
    """Upper case with the accents as printed (same as `value` for dates, codes, numbers)."""
    confidence: float
    source: Literal["viz"] = "viz"
    raw: str = ""
    """The text as read, before normalisation."""
    engine: EngineName = "tesseract"
    box: PxBox | None = None
    """Where the value was read, in page pixels."""


@dataclass(frozen=True)
class VizResult:
    fields: dict[str, FieldValue]
    lines: tuple[TextLine, ...]
    layout: str
    """Name of the layout pack used ("generic" when none matched)."""
    engines: tuple[EngineName, ...] = field(default=())
    """Engines that ran, in order."""
    timings_ms: dict[str, float] = field(default_factory=dict)
    turned: int = 0
    """180 when the page was read turned upside down (see `page.flip_page`), else 0."""
    page_rgb: npt.NDArray[np.uint8] | None = None
    """The page as read (downscaled to READ_MAX_SIDE, turned when `turned`)."""
