"""The back of a document: its printed zone adds what only the back prints (the address, the
issue date), read by printed labels (no pack describes backs), beside the front's own work.
Pure orchestration of the vision library, for `reader.py`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from openkyc.documents import pages
from openkyc.documents.schemas import FieldValue
from openkyc.vision.document.layouts import get_layout
from openkyc.vision.document.page import find_document
from openkyc.vision.document.viz import OcrError, VizResult, read_printed_fields

BACK_LANGUAGES = {"pak_cnic": ("urd",)}
"""Tesseract models for a back whose language is not its front's (a CNIC's address is in
Urdu)."""
DEFAULT_LANGUAGES = ("fra",)
"""Without a front pack: French, which keeps the accents of Latin-script addresses."""
PRINTED_ON_FRONT = frozenset({"surname", "given_names", "full_name"})
"""Never taken from the back (a TD1 card's back repeats them in its MRZ only)."""
READS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="document-back")
"""Reads of the back's printed zone, beside the rest of the front's work."""


def languages(front: VizResult | None) -> tuple[str, ...]:
    """Tesseract models for the back of a document whose front was read as `front`."""
    if front is None:
        return DEFAULT_LANGUAGES
    return BACK_LANGUAGES.get(front.layout, get_layout(front.layout).languages)


def read_back(image: np.ndarray, turn: int | None, models: tuple[str, ...]) -> VizResult | None:
    """The back's printed zone, by labels only; `turn`: the photo's clockwise turn to upright
    when the MRZ was read on it (None: the page's own reading decides)."""
    page = find_document(image, upright=lambda: turn)
    page_turn = pages.left_to_turn(page, turn)
    try:
        return read_printed_fields(
            page.rgb,
            layout="generic",
            languages=models,
            use_zones=False,
            fallback=False,
            turned=lambda: page_turn,
        )
    except OcrError:
        return None


def with_back(fields: dict[str, FieldValue], back: VizResult | None) -> dict[str, FieldValue]:
    """`fields` (the front's and the MRZ's, kept as they are) with what only the back prints."""
    if back is None:
        return fields
    out = dict(fields)
    for name, value in back.fields.items():
        if name in out or name in PRINTED_ON_FRONT:
            continue
        out[name] = FieldValue(
            value=value.value,
            value_accented=value.value_accented,
            confidence=round(value.confidence, 3),
            source="viz",
            side="back",
        )
    return out
