"""Read the printed fields of an upright page: OCR, assign lines to fields, normalise."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.layouts import generic_layout, get_layout
from openkyc.vision.document.layouts.model import FieldZone, Layout
from openkyc.vision.document.layouts.normalize import (
    clean_accented,
    clean_name,
    normalise_country,
    normalise_date,
    normalise_number,
    normalise_sex,
)
from openkyc.vision.document.viz.engines import rapidocr_read, tesseract_lines
from openkyc.vision.document.viz.extract import (
    IGNORED_LABELS,
    address_runs,
    find_labels,
    fold,
    mirror_box,
    mirror_rtl,
    right_to_left,
    split_lines,
    value_candidates,
    zone_words,
)
from openkyc.vision.document.viz.types import (
    EngineName,
    FieldValue,
    PxBox,
    TextLine,
    VizResult,
    Word,
)
from openkyc.vision.imaging import rotate_grown, shrink

UInt8Array = npt.NDArray[np.uint8]

READ_MAX_SIDE = 1400
"""Pages are downscaled to this before OCR (a 4584 px photo took Tesseract ~250 s)."""
FALLBACK_MIN_SHARE = 0.5
"""RapidOCR runs when Tesseract filled fewer than this share of the layout's fields."""
FLIP_MIN_CONFIDENCE = 0.65
"""Below this mean confidence of words of 3+ characters the page is also read turned 180
degrees and the better read is kept. Photographed specimens (5 packs x 2, blur 1, glare 0.2,
JPEG 60): upright 0.81-0.94, upside down 0.21-0.47."""
FLIP_MIN_WORDS = 4
"""Fewer real words than this also triggers the 180-degree read."""
FALLBACK_MIN_FIELDS = 4
"""...and fewer than this many fields (the generic pack lists 14 fields no card has all of)."""
DESKEW_MIN_DEGREES = 4.0
"""Text lines tilted more than this (seen by RapidOCR) make Tesseract read a deskewed copy:
Tesseract lost most words on the 30-degree floor photo, RapidOCR lost the accents."""
COLUMN_REACH = 3.0
"""Lines within this many line heights of a name, starting at most this far to its left,
show where its text column starts (`restore_cut_names`)."""
MRZ_FILLERS = 3
"""A Tesseract line with this many '<' (and MRZ_MIN_CHARACTERS) is an MRZ line."""
MRZ_MIN_CHARACTERS = 20
"""The shortest MRZ line has 30 characters; Tesseract merges or drops a few."""
STACK_GAP = 1.5
"""MRZ lines are printed less than this many line heights apart (ICAO 9303 pitch)."""
DEFAULT_LANGUAGES = ("fra",)
"""Before the pack is known: French keeps the accents of Latin-script cards (see Layout)."""


DOCUMENT_CODE = re.compile(r"[A-Z]{1,2}")
"""A printed ICAO 9303 document code (P, PD, I, ID, AC, V): one or two letters, nothing else."""


def _normalise(zone: FieldZone, raw: str) -> tuple[str, str] | None:
    """(value, value_accented) or None when the text is not a valid value of this kind."""
    if zone.kind == "date":
        iso = normalise_date(raw)
        return (iso, iso) if iso else None
    if zone.kind == "sex":
        sex = normalise_sex(raw)
        return (sex, sex) if sex else None
    if zone.kind == "country":
        code = normalise_country(raw)
        return (code, code) if code else None
    if zone.kind == "number":
        number = normalise_number(raw)
        return (number, number) if len(number) >= 4 else None
    if zone.kind == "code":  # an ICAO 9303 document code: P, PD, I, ID, AC, V...
        code = clean_name(raw).replace(" ", "")
        return (code, code) if DOCUMENT_CODE.fullmatch(code) else None
    value = clean_name(raw)
    return (value, clean_accented(raw)) if len(value.replace(" ", "")) >= 2 else None


def _field(zone: FieldZone, words: list[Word], engine: EngineName) -> FieldValue | None:
    if not words:
        return None
    raw = " ".join(w.text for w in words)
    values = _normalise(zone, raw)
    if values is None:
        return None
    confidence = round(float(np.mean([w.confidence for w in words])), 3)
    box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
           max(w.box[2] for w in words), max(w.box[3] for w in words))  # fmt: skip
    return FieldValue(values[0], values[1], confidence, "viz", raw, engine, box)


def restore_accents(
    page: UInt8Array, fields: dict[str, FieldValue], langs: tuple[str, ...]
) -> dict[str, FieldValue]:
    """Re-read with Tesseract (one line, psm 7) the text fields RapidOCR supplied.

    RapidOCR has no accented letters; Tesseract often reads a single clean line it lost in the
    full page. Its reading is kept only when it spells the same letters without accents.
    """
    out = dict(fields)
    for name, field in fields.items():
        if field.engine != "rapidocr" or field.box is None or field.value != field.value_accented:
            continue
        x0, y0, x1, y1 = field.box
        pad = (y1 - y0) // 2
        crop = page[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
        text = " ".join(line.text for line in tesseract_lines(crop, langs, psm="7"))
        accented = clean_accented(text)
        if accented != field.value and fold(clean_name(text)) == fold(field.value):
            out[name] = replace(field, value_accented=accented, raw=text)
    return out


def _column_left(lines: list[TextLine], box: tuple[int, int, int, int]) -> int | None:
    """Where the text column of a value starts: the leftmost word of the lines within
    COLUMN_REACH line heights above or below it that reach under the value's left part."""
    x0, y0, _, y1 = box
    height = max(1, y1 - y0)
    starts = [
        word.box[0]
        for line in lines
        for word in line.words
        if abs((word.box[1] + word.box[3]) / 2 - (y0 + y1) / 2) <= COLUMN_REACH * height
        and word.box[0] < x0 < word.box[2] + COLUMN_REACH * height
        and word.box[0] >= x0 - COLUMN_REACH * height
    ]
    return min(starts) if starts else None


def restore_cut_names(
    page: UInt8Array,
    fields: dict[str, FieldValue],
    layout: Layout,
    lines: list[TextLine],
    langs: tuple[str, ...],
) -> dict[str, FieldValue]:
    """Give back the first letters of a name that Tesseract gave to the line above.

    A label printed close over a name can take the name's first letters into its own line
    (`NOM/Surname` over `MARTIN` came out as `RTIN`, starting 55 px right of the label). A
    name that starts right of its column is re-read alone, as one line, from the column's
    edge; only its first word may change, and only into a longer word that ends with it."""
    names = {zone.name for zone in layout.fields if zone.kind == "name"}
    out = dict(fields)
    for name, field in fields.items():
        if name not in names or field.engine != "tesseract" or field.box is None:
            continue
        x0, y0, x1, y1 = field.box
        pad = max(1, (y1 - y0) // 2)
        left = _column_left(lines, field.box)
        if left is None or x0 - left <= pad:
            continue
        crop = page[max(0, y0 - pad) : y1 + pad, max(0, left - pad) : x1 + pad]
        crop = np.asarray(
            cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), np.uint8
        )
        text = clean_accented(" ".join(line.text for line in tesseract_lines(crop, langs, "7")))
        first = field.value_accented.split()[0] if field.value_accented.split() else ""
        longer = [w for w in text.split() if len(w) > len(first) and fold(w).endswith(fold(first))]
        if first and longer and fold(longer[0]).isalpha():
            accented = field.value_accented.replace(first, longer[0], 1)
            out[name] = replace(field, value=clean_name(accented), value_accented=accented)
    return out


def extract_fields(
    lines: list[TextLine], layout: Layout, size: tuple[int, int], use_zones: bool
) -> dict[str, FieldValue]:
    """Fields of `layout` found in `lines` (page of `size` = (width, height)). Right-to-left
    lines are read in a mirror (`mirror_rtl`); their values' boxes are given back unmirrored."""
    lines = split_lines(mirror_rtl(lines, size[0]))
    hits = find_labels(lines, layout.fields)
    all_labels = {fold(label) for zone in layout.fields for label in zone.labels}
    all_labels |= {fold(label) for label in IGNORED_LABELS}
    engine: EngineName = lines[0].engine if lines else "tesseract"
    out: dict[str, FieldValue] = {}
    for zone in layout.fields:
        for hit in (h for h in hits if h.field == zone.name):
            runs = value_candidates(lines, hit, hits, all_labels, zone.label_left)
            if zone.kind == "address":
                runs = [[w for run in address_runs(lines, hit, all_labels) for w in run]]
            value = next((v for run in runs if (v := _field(zone, run, engine))), None)
            if value:
                out[zone.name] = _unmirrored(value, size[0])
                break
        if zone.name not in out and use_zones:
            value = _field(zone, zone_words(lines, zone, *size), engine)
            if value:
                out[zone.name] = value
    return out


def _unmirrored(value: FieldValue, width: int) -> FieldValue:
    if value.box is None or not right_to_left(value.raw):
        return value
    return replace(value, box=mirror_box(value.box, width))


def _pick_layout(lines: list[TextLine], size: tuple[int, int]) -> Layout:
    from openkyc.vision.document.classify import classify, layout_for

    name = layout_for(classify([line.text for line in lines]), size[0] / size[1])
    return get_layout(name) if name else generic_layout()


def text_score(lines: list[TextLine]) -> tuple[float, int]:
    """(mean confidence, count) of words with 3+ letters or digits: junk reads are short."""
    confs = [w.confidence for line in lines for w in line.words if len(fold(w.text)) >= 3]
    return (float(np.mean(confs)) if confs else 0.0), len(confs)


def reads_upright(lines: Iterable[TextLine]) -> bool:
    """Whether Tesseract's lines (those of `lines` it read) read as a page the right way up:
    enough real words at the confidence that spares the upside-down read (`_upright_read`)."""
    confidence, count = text_score([line for line in lines if line.engine == "tesseract"])
    return confidence >= FLIP_MIN_CONFIDENCE and count >= FLIP_MIN_WORDS


def _upright_read(
    page: UInt8Array,
    langs: tuple[str, ...],
    timings: dict[str, float],
    turned: Callable[[], int | None] | None,
) -> tuple[UInt8Array, list[TextLine], int]:
    """Tesseract lines of the page, or of the page turned 180 degrees when that reads better.

    When the first read is unsure, `turned()` may already know the answer (0 or 180, from
    another reader such as the MRZ's): the page is then read the other way up only if it is
    upside down, and no comparison is needed. A Tesseract run saved on most real pages. A
    quarter turn (90 or 270: the page was cut wrongly, e.g. a whole open passport) is not read
    again: the caller cuts the page anew."""
    lines = _timed(timings, "tesseract", lambda: tesseract_lines(page, langs))
    confidence, count = text_score(lines)
    if confidence >= FLIP_MIN_CONFIDENCE and count >= FLIP_MIN_WORDS:
        return page, lines, 0
    known = turned() if turned is not None else None
    if known in (0, 90, 270):  # upright, or on its side: reading it upside down won't help
        return page, lines, 0
    flipped = np.ascontiguousarray(page[::-1, ::-1])
    other = _timed(timings, "tesseract_180", lambda: tesseract_lines(flipped, langs))
    if known == 180 or text_score(other)[0] * text_score(other)[1] > confidence * count:
        return flipped, other, 180
    return page, lines, 0


def mrz_boxes(lines: list[TextLine]) -> list[PxBox]:
    """Boxes of the lines Tesseract read in a machine-readable zone (`mrz_lines`)."""
    return [line.box for line in mrz_lines(lines)]


def mrz_texts(lines: Iterable[TextLine]) -> list[str]:
    """What Tesseract read on the machine-readable zone's lines, top to bottom: the page's
    reader's own read of the zone (`mrz.read.with_printed_read`)."""
    band = mrz_lines([line for line in lines if line.engine == "tesseract"])
    return [line.text for line in sorted(band, key=lambda line: line.box[1])]


def mrz_lines(lines: list[TextLine]) -> list[TextLine]:
    """The lines Tesseract read in a machine-readable zone: lines with MRZ_FILLERS '<' or
    more, and the long lines stacked on them at the same width (a name line whose fillers
    came out as other letters)."""
    band = [
        line
        for line in lines
        if line.text.count("<") >= MRZ_FILLERS and len(line.text) >= MRZ_MIN_CHARACTERS
    ]
    grew = bool(band)
    while grew:
        more = [
            line
            for line in lines
            if line not in band
            and len(line.text.replace(" ", "")) >= MRZ_MIN_CHARACTERS
            and any(_stacked(line.box, seed.box) for seed in band)
        ]
        band += more
        grew = bool(more)
    return band


def _stacked(a: PxBox, b: PxBox) -> bool:
    """Same left and right edges (within a line height) and less than STACK_GAP heights apart."""
    height = max(a[3] - a[1], b[3] - b[1], 1)
    gap = max(a[1], b[1]) - min(a[3], b[3])
    return abs(a[0] - b[0]) <= height and abs(a[2] - b[2]) <= height and gap < STACK_GAP * height


def _without_mrz(page: UInt8Array, lines: list[TextLine]) -> UInt8Array:
    """The page with the MRZ lines painted over in the page's median colour: the MRZ has its
    own reader, and its long lines were half of RapidOCR's recognition time on a passport."""
    boxes = mrz_boxes(lines)
    if not boxes:
        return page
    out = page.copy()
    fill = tuple(int(v) for v in np.median(page.reshape(-1, 3), axis=0))
    for x0, y0, x1, y1 in boxes:
        pad = (y1 - y0) // 2
        out[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = fill
    return out


def _rapid(page: UInt8Array, timings: dict[str, float]) -> tuple[list[TextLine], float]:
    start = time.perf_counter()
    try:
        return rapidocr_read(page)
    finally:
        timings["rapidocr"] = round((time.perf_counter() - start) * 1000, 1)


def _rotate(page: UInt8Array, degrees: float) -> UInt8Array:
    """Turn by `degrees` (clockwise) on a grown canvas filled with the page's median."""
    fill = tuple(int(v) for v in np.median(page.reshape(-1, 3), axis=0))
    return rotate_grown(page, -degrees, fill)[0]


def _timed(timings: dict[str, float], key: str, fn: Callable[[], list[TextLine]]) -> list[TextLine]:
    start = time.perf_counter()
    try:
        return fn()
    finally:
        timings[key] = round((time.perf_counter() - start) * 1000, 1)


def read_printed_fields(
    page_rgb: UInt8Array,
    layout: str | None = None,
    languages: tuple[str, ...] | None = None,
    use_zones: bool = True,
    fallback: bool | Callable[[], bool] = True,
    turned: Callable[[], int | None] | None = None,
) -> VizResult:
    """Read the visual zone of an upright page (from `page.find_document`).

    `layout` names a pack (see `layouts.LAYOUTS`); None picks one from the printed title, or
    the label-only `generic` pack. `languages` are Tesseract models (default: the pack's).
    Tesseract reads first (accents); RapidOCR fills fields Tesseract missed (no accents).
    `use_zones` should be False when the page was not warped to a pack's canonical size.
    `fallback` allows the RapidOCR pass; a callable is asked only when that pass would run
    (the document reader skips it when the MRZ already gave the fields).
    `turned`, when given, is asked only if the first read is unsure which way up the page
    is: it returns 0, 90, 180 or 270 when another reader knows how far the page still has
    to turn (the MRZ's direction), else None; at a quarter turn the read stops there.
    `turned` = 180 in the result means the page was read upside down: apply
    `page.flip_page` before cropping the portrait; `page_rgb` is the page as read.
    """
    page, _ = shrink(page_rgb, READ_MAX_SIDE)
    size = (page.shape[1], page.shape[0])
    timings: dict[str, float] = {}
    chosen = get_layout(layout) if layout else None
    langs = languages or (chosen.languages if chosen else DEFAULT_LANGUAGES)
    page, lines, flip = _upright_read(page, langs, timings, turned)
    chosen = chosen or _pick_layout(lines, size)
    fields = extract_fields(lines, chosen, size, use_zones and chosen.name != "generic")
    fields = restore_cut_names(page, fields, chosen, lines, langs)
    engines: tuple[EngineName, ...] = ("tesseract",)
    few = len(fields) < min(FALLBACK_MIN_SHARE * len(chosen.fields), FALLBACK_MIN_FIELDS)
    if few and (fallback() if callable(fallback) else fallback):
        rapid, angle = _rapid(_without_mrz(page, lines), timings)
        deskewed = abs(angle) >= DESKEW_MIN_DEGREES
        if deskewed:  # RapidOCR saw the skew: let Tesseract read again
            page = _rotate(page, angle)
            lines = _timed(timings, "tesseract_deskewed", lambda: tesseract_lines(page, langs))
            rapid, use_zones = [], False
        if chosen.name == "generic" and not layout:
            chosen = _pick_layout(lines + rapid, size)
        if deskewed:  # page geometry changed: labels only
            fields = extract_fields(lines, chosen, size, False)
        extra = extract_fields(rapid, chosen, size, use_zones and chosen.name != "generic")
        fields = restore_accents(page, {**extra, **fields}, langs)
        lines, engines = lines + rapid, ("tesseract", "rapidocr")
    return VizResult(fields, tuple(lines), chosen.name, engines, timings, flip, page)
