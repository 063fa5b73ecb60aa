"""Accents of names in any Latin-alphabet language, from Tesseract's Latin-script model.

The printed zone is read with Tesseract's `fra` model, which keeps French accents and reads
French labels well, but knows no other diacritics (it reads `Å` as `Â`, `Õ` as `Ô`, or
drops them): on photographed SPECIMEN passports whose
holders have Czech, Polish, Hungarian, German, Nordic, Icelandic, Portuguese, Turkish, Romanian
and Estonian names, `fra` read 11 of 66 accented name words exactly, Debian's Latin-script
model (`tesseract-ocr-script-latn`) 44, and `fra+Latin` 36 (the Latin model alone on a whole
page also takes twice as long and misreads French labels). So the page is still read with
`fra`, and each name is read again, alone on its line, with the Latin model. The new
spelling is kept only when it spells the same letters (ICAO 9303 transliteration: `MÜLLER`
for `MULLER`, `WAŁĘSA` for `WALESA`), so it can change accents and nothing else, and only
where `fra` saw none or could not have known the letter (`ÅSE` for `fra`'s `ÂSE`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.layouts.normalize import clean_accented, clean_name
from openkyc.vision.document.viz.engines import OcrError, tesseract_lines
from openkyc.vision.document.viz.guided import transliterates_to
from openkyc.vision.document.viz.types import FieldValue, PxBox

log = logging.getLogger(__name__)

UInt8Array = npt.NDArray[np.uint8]

LATIN = ("Latin",)
"""Debian's `tesseract-ocr-script-latn` (installed by scripts/install.sh)."""
NAME_FIELDS = ("surname", "given_names")
FRENCH_LETTERS = frozenset("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ")
"""The accented letters `fra` reads (French spelling, with the Ä Ö of loan names)."""
MIN_CONFIDENCE = 0.7
"""On the world-name specimens (benchmarks/documents/viz_run.py --world-names) the Latin
model's right readings had every word at 0.78 or more; a wrong one (`PETRĂŞCU`) 0.21-0.52."""
MIN_LINE_HEIGHT = 40
"""A name line shorter than this is enlarged (bicubic) before the Latin model reads it."""


def _beyond_french(text: str) -> bool:
    """Whether `text` has a letter with a diacritic that French does not use (`Å`, `Ó`, `Ł`)."""
    return any(c.isalpha() and not c.isascii() and c not in FRENCH_LETTERS for c in text)


def _read_line(page: UInt8Array, box: PxBox) -> tuple[str, float]:
    """The Latin model's reading of one printed line (`--psm 7`), and its least word
    confidence. (Reading both names in one run, stacked or side by side, to load the model
    once, read fewer accents right on the world-name specimens: 61 and 57 of 80, not 65.)"""
    x0, y0, x1, y1 = box
    pad = max(2, (y1 - y0) // 2)
    crop = page[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
    if 0 < y1 - y0 < MIN_LINE_HEIGHT:
        scale = MIN_LINE_HEIGHT / (y1 - y0)
        crop = np.asarray(
            cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), np.uint8
        )
    words = [word for line in tesseract_lines(crop, LATIN, psm="7") for word in line.words]
    text = clean_accented(" ".join(word.text for word in words))
    return text, min((word.confidence for word in words), default=0.0)


def add_accents(
    page: UInt8Array, fields: dict[str, FieldValue], names: Iterable[str] = NAME_FIELDS
) -> dict[str, FieldValue]:
    """`fields` with each name printed on `page` (the page the boxes refer to) read again,
    alone on its line, with the Latin-script model. Its spelling is kept when it spells the
    same letters (ICAO transliteration), every word of it is read with at least
    MIN_CONFIDENCE, and either `fra` saw no diacritic or the Latin model saw a letter `fra`
    does not know (`fra` is the better reader of French accents: the Latin model dropped the
    `Ï` of `AÏCHA`). A Tesseract failure (the model not installed) leaves the names as `fra`
    read them, with a warning in the log."""
    out = dict(fields)
    named = [(n, f, f.box) for n in names if (f := fields.get(n)) is not None and f.box]
    if not named:
        return out
    try:  # one Tesseract process per name, side by side: the Latin model takes ~0.3 s to load
        with ThreadPoolExecutor(max_workers=len(named)) as pool:
            readings = list(pool.map(lambda item: _read_line(page, item[2]), named))
    except OcrError as exc:  # e.g. tesseract-ocr-script-latn not installed
        log.warning("names kept as fra read them: the Latin-script model failed: %s", exc)
        return out
    for (name, field, _), (text, confidence) in zip(named, readings, strict=True):
        plain = field.value_accented == clean_name(field.value_accented)
        if (
            confidence >= MIN_CONFIDENCE
            and text != field.value_accented
            and (plain or _beyond_french(text))
            and transliterates_to(text, clean_name(field.value_accented))
        ):
            out[name] = replace(field, value_accented=text, raw=text)
    return out
