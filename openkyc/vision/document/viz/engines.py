"""OCR engines for printed text: Tesseract 5 (Debian binary) and RapidOCR (PP-OCRv4 ONNX).

Tesseract keeps French accents (fra model) and is fast on an upright page; RapidOCR reads
skewed or rotated text but has no ç ê ô î ë ñ and merges words. Both return `TextLine`s in
page pixels. Tesseract runs in this process with its models kept loaded (`tesseract.py`);
RapidOCR is loaded lazily, once per process.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.rapid import DETECTORS, RAPIDOCR
from openkyc.vision.document.tesseract import TesseractError, read_tsv
from openkyc.vision.document.viz.types import TextLine, Word

UInt8Array = npt.NDArray[np.uint8]

TESSERACT_TIMEOUT_S = 20.0
"""A canonical ID-1 page takes 0.4-1.5 s on this 2-core machine; 20 s means it is stuck."""
TESSERACT_PSM = "3"
"""Automatic layout: on a CIV specimen it kept ï and è where psm 11 (sparse) read "Héléne"."""
PAGE_DPI = 254
"""The canonical page is 10 px/mm (see page.CANONICAL_PX_PER_MM)."""
TESSERACT_VARIABLES = {"tessedit_do_invert": "0"}
"""Skip the second, inverted-image pass (0.88 -> 0.64 s on one page); the packs print dark
text on light backgrounds."""


CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")
"""RapidOCR drops spaces ("AichaAdjouaHelene"); a lower-to-upper change marks a word start."""


class OcrError(RuntimeError):
    """An OCR engine could not run (binary missing, timeout)."""


def _words_to_lines(rows: list[dict[str, str]]) -> list[TextLine]:
    groups: dict[tuple[str, str, str], list[Word]] = {}
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text or float(row.get("conf") or -1) < 0:
            continue
        x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        word = Word(text, (x, y, x + w, y + h), float(row["conf"]) / 100.0)
        groups.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(word)
    return [_line(words, "tesseract") for words in groups.values()]


def _line(words: list[Word], engine: Any) -> TextLine:
    words = sorted(words, key=lambda w: w.box[0])
    box = (
        min(w.box[0] for w in words),
        min(w.box[1] for w in words),
        max(w.box[2] for w in words),
        max(w.box[3] for w in words),
    )
    confidence = float(np.mean([w.confidence for w in words]))
    return TextLine(" ".join(w.text for w in words), box, confidence, tuple(words), engine)


def tesseract_lines(
    rgb: UInt8Array, languages: tuple[str, ...], psm: str = TESSERACT_PSM
) -> list[TextLine]:
    """Word boxes from Tesseract's TSV, grouped into Tesseract's own lines."""
    gray = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), np.uint8)
    try:
        rows = read_tsv(
            gray,
            "+".join(languages),
            psm=int(psm),
            dpi=PAGE_DPI,
            timeout_s=TESSERACT_TIMEOUT_S,
            variables=TESSERACT_VARIABLES,
        )
    except TesseractError as exc:
        raise OcrError(str(exc)) from exc
    return _words_to_lines(rows)


def rapidocr_lines(rgb: UInt8Array) -> list[TextLine]:
    """RapidOCR boxes (one per detected text run); words split on spaces with shared boxes."""
    return rapidocr_read(rgb)[0]


SPLIT_MIN_RUNS = 4
"""From this many text runs on, a page's runs are recognised in two halves side by side."""


class _SplitRecogniser:
    """A RapidOCR instance's recogniser that hands half of a page's text runs (by width, which
    is what recognition costs) to a second instance's recogniser, on another thread: each
    instance's ONNX session is single-threaded (`rapid.RAPIDOCR_OPTIONS`), so a page's
    recognition otherwise leaves the second core idle once the MRZ is read."""

    def __init__(self, own: Any) -> None:
        self.own = own

    def __call__(self, crops: list[Any], return_word_box: bool = False) -> tuple[list[Any], float]:
        if len(crops) < SPLIT_MIN_RUNS:
            result: tuple[list[Any], float] = self.own(crops, return_word_box)
            return result
        widths = [crop.shape[1] / max(1, crop.shape[0]) for crop in crops]
        halves: tuple[list[int], list[int]] = ([], [])
        load = [0.0, 0.0]
        for index in sorted(range(len(crops)), key=lambda i: -widths[i]):
            side = 0 if load[0] <= load[1] else 1
            halves[side].append(index)
            load[side] += widths[index] + 6.7  # a run is padded to 320 x 48 at least
        with RAPIDOCR.borrow() as other, ThreadPoolExecutor(max_workers=1) as pool:
            theirs = pool.submit(other.text_rec, [crops[i] for i in halves[1]], return_word_box)
            mine, elapsed = self.own([crops[i] for i in halves[0]], return_word_box)
            rest, elapsed_rest = theirs.result()
        out: list[Any] = [None] * len(crops)
        for indices, results in ((halves[0], mine), (halves[1], rest)):
            for i, read in zip(indices, results, strict=True):
                out[i] = read
        return out, max(elapsed, elapsed_rest)


def rapidocr_read(rgb: UInt8Array) -> tuple[list[TextLine], float]:
    """RapidOCR lines and the median text-line angle in degrees (counter-clockwise positive).
    The page is detected on two threads (`rapid.DETECTORS`) and its runs are recognised
    in two halves side by side (`_SplitRecogniser`)."""
    with RAPIDOCR.borrow() as engine, DETECTORS.borrow() as detector:
        own_detector, own = engine.text_det, engine.text_rec
        engine.text_det, engine.text_rec = detector, _SplitRecogniser(own)
        try:
            result, _ = engine(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        finally:
            engine.text_det, engine.text_rec = own_detector, own
    lines, angles = [], []
    for points, text, score in result or []:
        pts = np.asarray(points, np.float32)
        dx, dy = pts[1] - pts[0]
        if np.hypot(dx, dy) > 3 * np.linalg.norm(pts[3] - pts[0]):  # long runs give angles
            angles.append(float(np.degrees(np.arctan2(-dy, dx))))
        box = (int(pts[:, 0].min()), int(pts[:, 1].min()),
               int(pts[:, 0].max()), int(pts[:, 1].max()))  # fmt: skip
        words = _split_run(CAMEL.sub(" ", str(text)), box, float(score))
        if words:
            lines.append(_line(words, "rapidocr"))
    return lines, (float(np.median(angles)) if angles else 0.0)


def _split_run(text: str, box: tuple[int, int, int, int], score: float) -> list[Word]:
    """Give each space-separated token its share of the run's width (by character count)."""
    tokens = text.split()
    total = max(1, len(text))
    out, cursor = [], 0
    for token in tokens:
        start = text.index(token, cursor)
        cursor = start + len(token)
        x0 = box[0] + (box[2] - box[0]) * start // total
        x1 = box[0] + (box[2] - box[0]) * cursor // total
        out.append(Word(token, (x0, box[1], x1, box[3]), score))
    return out
