"""Find and read the MRZ in a photo with two independent OCR engines.

RapidOCR (PP-OCRv4 detection and recognition, shipped in its wheel) finds the text lines on the
whole image, trying quarter rotations until an MRZ-shaped group appears; Tesseract (Debian's
``eng`` model, MRZ characters only) reads the same region again. Acceptance follows the rule
measured on the development set: a zone whose check digits pass *without repair* is accepted on
one engine's word; a zone that needed repairs is accepted only when both engines give the same
lines after repair. Everything else is reported, not accepted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.mrz.icao import MrzFormatError, MrzResult, parse

RGB = npt.NDArray[np.uint8]
MAX_SIDE = 1600  # full-resolution phone photos are downscaled first (4584 px: minutes of OCR)
MIN_LINE_CHARS = 26  # shorter OCR lines cannot be MRZ lines (TD1 lines have 30)
MIN_MRZ_SHARE = 0.9  # share of MRZ-alphabet characters a candidate line must have
LENGTHS = (30, 36, 44)
TESSERACT_TIMEOUT_S = 10
_NOT_MRZ = re.compile(r"[^A-Z0-9<]")


@dataclass(frozen=True)
class MrzRead:
    result: MrzResult | None
    accepted: bool
    reason: str
    engine: str | None
    rotation: int
    box: tuple[int, int, int, int] | None  # x, y, w, h in the input image (after rotation)
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    @property
    def names_pending(self) -> bool:
        """Check digits pass (safe repairs only) and only the names await confirmation."""
        result = self.result
        return (
            not self.accepted
            and result is not None
            and result.check_digits_valid
            and _safe_repairs(result)
        )


@cache
def _rapidocr() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


_LOCK = threading.Lock()


def _ocr_lines(image: RGB) -> list[tuple[str, npt.NDArray[np.float64]]]:
    with _LOCK:  # the ONNX sessions are shared by the process
        result, _ = _rapidocr()(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return [(str(text), np.asarray(box, dtype=np.float64)) for box, text, _ in result or []]


def _clean(text: str) -> str:
    return text.upper().replace(" ", "").replace("\u00ab", "<<").replace("\u2039", "<")


def _is_candidate(text: str) -> bool:
    if len(text) < MIN_LINE_CHARS:
        return False
    return sum(c.isalnum() or c == "<" for c in text) / len(text) >= MIN_MRZ_SHARE and (
        "<" in text or sum(c.isdigit() for c in text) >= 10
    )


def fit(line: str, length: int) -> str:
    """Make an OCR line the zone's width: OCR miscounts runs of fillers, so the longest run
    absorbs the difference (or the end does when there is no run)."""
    line = _NOT_MRZ.sub("<", line)
    runs = [(m.end() - m.start(), m.start(), m.end()) for m in re.finditer("<{2,}", line)]
    while len(line) != length:
        if runs:
            size, start, end = max(runs)
            grow = length - len(line)
            new = max(1, size + grow)
            line = line[:start] + "<" * new + line[end:]
            runs = []
        elif len(line) < length:
            line = line.ljust(length, "<")
        else:
            line = line[:length]
    return line


def _groups(lines: list[tuple[str, npt.NDArray[np.float64]]]) -> list[list[int]]:
    """Runs of 2-3 vertically adjacent candidate lines, bottom-most first."""
    order = sorted(range(len(lines)), key=lambda i: float(lines[i][1][:, 1].mean()))
    groups = []
    for size in (3, 2):
        for start in range(len(order) - size + 1):
            groups.append(order[start : start + size])
    return groups[::-1]


def _parse_group(texts: list[str]) -> MrzResult | None:
    best: MrzResult | None = None
    for length in LENGTHS:
        if (len(texts) == 3 and length != 30) or (len(texts) == 2 and length == 30):
            continue
        if any(abs(len(t) - length) > 6 for t in texts):
            continue
        try:
            result = parse([fit(t, length) for t in texts])
        except MrzFormatError:
            continue
        if best is None or _rank(result) > _rank(best):
            best = result
    return best


def _rank(result: MrzResult) -> tuple[int, int, int]:
    return (
        int(result.check_digits_valid),
        sum(c.valid for c in result.checks),
        -len(result.repaired),
    )


def _downscale(image: RGB) -> RGB:
    scale = MAX_SIDE / max(image.shape[:2])
    if scale >= 1:
        return image
    resized = np.asarray(
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    return resized


def _rotate(image: RGB, degrees: int) -> RGB:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if degrees == 0:
        return image
    rotated = np.asarray(cv2.rotate(image, codes[degrees]), dtype=np.uint8)
    return rotated


def _box(boxes: list[npt.NDArray[np.float64]], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    points = np.vstack(boxes)
    x0, y0 = np.maximum(points.min(axis=0) - 6, 0)
    x1, y1 = np.minimum(points.max(axis=0) + 6, (shape[1], shape[0]))
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _tesseract(
    image: RGB, box: tuple[int, int, int, int], count: int, length: int
) -> MrzResult | None:
    """An independent second read of the same region (Debian's Tesseract, MRZ alphabet)."""
    if shutil.which("tesseract") is None:
        return None
    x, y, w, h = box
    grey = cv2.cvtColor(image[y : y + h, x : x + w], cv2.COLOR_RGB2GRAY)
    grey = cv2.resize(
        grey,
        None,
        fx=max(1.0, 40 * count / max(h, 1)),
        fy=max(1.0, 40 * count / max(h, 1)),
        interpolation=cv2.INTER_CUBIC,
    )
    ok, png = cv2.imencode(".png", grey)
    if not ok:
        return None
    try:
        out = subprocess.run(
            [
                "tesseract",
                "stdin",
                "stdout",
                "--psm",
                "6",
                "-l",
                "eng",
                "-c",
                "tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<",
            ],
            input=png.tobytes(),
            capture_output=True,
            timeout=TESSERACT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    texts = [_clean(t) for t in out.stdout.decode(errors="ignore").splitlines()]
    texts = [t for t in texts if len(t) >= MIN_LINE_CHARS][-count:]
    if len(texts) != count:
        return None
    try:
        return parse([fit(t, length) for t in texts])
    except MrzFormatError:
        return None


def _same(a: MrzResult, b: MrzResult) -> bool:
    return a.lines == b.lines


def _names_agree(first: MrzResult, second: MrzResult | None) -> bool:
    """Names carry no check digit: a second engine must read them the same."""
    return second is not None and (first.surname, first.given_names) == (
        second.surname,
        second.given_names,
    )


_ICAO_TRANSLITERATION = str.maketrans(
    {"Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Ø": "OE", "Æ": "AE", "ß": "SS"}
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c))


def names_printed(result: MrzResult, printed: list[str]) -> bool:
    """The MRZ names also appear in the printed zone (as read by the same pass): a second,
    independent observation of what no check digit covers. Accents are dropped and ICAO
    transliterations (Ä → AE ...) tried, as the MRZ does."""
    text = " ".join(printed).upper()
    variants = {_plain(text), _plain(text.translate(_ICAO_TRANSLITERATION))}
    names = [_plain(n) for n in (*result.surname.split(), *result.given_names.split()[:1])]
    return bool(names) and all(any(n in v for v in variants) for n in names if len(n) > 1)


def _safe_repairs(result: MrzResult) -> bool:
    """Letter/digit repairs of a country code are safe when the code is then a real one."""
    countries = {"issuing_country", "nationality"}
    return set(result.repaired) <= countries and result.countries_valid


def _decide(
    first: MrzResult, second: MrzResult | None, confirmed: bool = False
) -> tuple[MrzResult, bool, str, str]:
    if second is not None and _same(first, second) and first.check_digits_valid:
        return first, True, "both engines read the same zone and every check digit passes", "both"
    if first.check_digits_valid and _safe_repairs(first) and confirmed:
        return (
            first,
            True,
            ("every check digit passes as read; the names also appear in the printed zone"),
            "rapidocr",
        )
    for one, other, engine in ((first, second, "rapidocr"), (second, first, "tesseract")):
        if one is not None and one.check_digits_valid and _safe_repairs(one):
            if _names_agree(one, other):
                return one, True, "every check digit passes as read; names confirmed", engine
            return (
                one,
                False,
                (
                    "check digits pass but the names (which carry no check digit) "
                    "were not confirmed by a second engine"
                ),
                engine,
            )
    failing = [
        f"{c.name} check digit fails: read {c.read}, computed {c.computed}"
        for c in first.checks
        if not c.valid
    ]
    if first.check_digits_valid:
        return (
            first,
            False,
            (
                "check digits pass only after repairing "
                f"{', '.join(first.repaired)}; a second engine did not confirm"
            ),
            "rapidocr",
        )
    return first, False, "; ".join(failing) or "MRZ not valid", "rapidocr"


def read_mrz(image: RGB) -> MrzRead:
    """Locate and read the MRZ of an upright-or-rotated RGB photo."""
    started = time.perf_counter()
    small = _downscale(image)
    for rotation in (0, 90, 270, 180):
        rotated = _rotate(small, rotation)
        every_line = _ocr_lines(rotated)
        lines = [(t, b) for t, b in every_line if _is_candidate(_clean(t))]
        if len(lines) < 2:
            continue
        best: tuple[MrzResult, list[int]] | None = None
        for group in _groups(lines):
            result = _parse_group([_clean(lines[i][0]) for i in group])
            if result is not None and (best is None or _rank(result) > _rank(best[0])):
                best = (result, group)
        if best is None:
            continue
        result, group = best
        box = _box([lines[i][1] for i in group], rotated.shape)
        second = _tesseract(rotated, box, len(result.lines), len(result.lines[0]))
        exact = all(len(_clean(lines[i][0])) == len(result.lines[0]) for i in group)
        printed = [t for t, _ in every_line if not _is_candidate(_clean(t))]
        confirmed = exact and names_printed(result, printed)
        chosen, accepted, reason, engine = _decide(result, second, confirmed)
        reads = {"rapidocr": result.lines, **({"tesseract": second.lines} if second else {})}
        return MrzRead(
            chosen,
            accepted,
            reason,
            engine,
            rotation,
            box,
            reads,
            round((time.perf_counter() - started) * 1000, 1),
        )
    return MrzRead(
        None,
        False,
        "no machine-readable zone found",
        None,
        0,
        None,
        {},
        round((time.perf_counter() - started) * 1000, 1),
    )
