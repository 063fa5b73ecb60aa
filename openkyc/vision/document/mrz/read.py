"""Find and read the MRZ in a photo with independent recognisers.

The zone is found by geometry on PP-OCRv4's text boxes (`locate.py`). Its lines are read by
the project's own OCR-B recogniser (`ocrb.py`, decoded at the zone's exact width); when that
read is not sure, PP-OCRv4's recogniser reads the same crops and Tesseract the stacked lines,
side by side. What to report and whether to vouch for it is decided in `decide.py`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.mrz.decide import (
    DOCUMENT_CODES,
    decide,
    rank,
    safe_repairs,
    sure_alone,
    sure_decision,
)
from openkyc.vision.document.mrz.icao import MrzFormatError, MrzResult, parse
from openkyc.vision.document.mrz.locate import (
    DETECT_SIDE,
    FALLBACK_DETECT_SIDE,
    MIN_LEVEL_DEG,
    Band,
    TextBox,
    bands,
    groups,
    level,
    text_angle,
    text_boxes,
)
from openkyc.vision.document.mrz.ocrb import (
    LineRead,
    ctc_fixed_length,
    ctc_greedy,
    ocrb_recognizer,
)
from openkyc.vision.document.mrz.pprec import mrz_line_reader
from openkyc.vision.document.tesseract import TESSERACT, TESSERACT_ENV

RGB = npt.NDArray[np.uint8]
MIN_LINE_CHARS = 26  # shorter reads cannot be MRZ lines (TD1 lines have 30)
MAX_MISCOUNT = 5  # a line read this far from the zone's width is not that zone's line
MIN_CONFIDENCE = 0.3  # mean OCR-B character confidence below this: not an MRZ (or upside down)
TD3_GROW = 44 / 36 - 1
"""How much longer a passport zone read 36 wide is cut again (`_cut_short`)."""
TESSERACT_TIMEOUT_S = 10
TESSERACT_LINE_HEIGHT = 48
_NOT_MRZ = re.compile(r"[^A-Z0-9<]")


@dataclass(frozen=True)
class MrzRead:
    result: MrzResult | None
    accepted: bool
    reason: str
    engine: str | None
    rotation: int
    box: tuple[int, int, int, int] | None  # x, y, w, h of the zone in the input photo
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)  # each engine's lines
    elapsed_ms: float = 0.0
    unconfirmed: tuple[str, ...] = ()  # uncovered fields no second engine read the same

    @property
    def names_pending(self) -> bool:
        """Check digits pass (safe repairs only) and only the names await confirmation."""
        result = self.result
        return (
            not self.accepted
            and result is not None
            and result.check_digits_valid
            and safe_repairs(result)
            and bool(self.unconfirmed)
            and set(self.unconfirmed) <= {"names", "surname", "given_names"}
        )


def _clean(text: str) -> str:
    return text.upper().replace(" ", "").replace("\u00ab", "<<").replace("\u2039", "<")


def _looks_like_mrz(text: str) -> bool:
    return len(text) >= MIN_LINE_CHARS and ("<" in text or sum(c.isdigit() for c in text) >= 10)


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


def _widths(count: int) -> tuple[int, ...]:
    return (30,) if count == 3 else (44, 36)


def _parse(lines: list[str]) -> MrzResult | None:
    try:
        return parse(lines)
    except MrzFormatError:
        return None


def _plausible(result: MrzResult) -> bool:
    """A parse that could be a real zone: an ICAO document code and at least one check digit
    that passes (text that merely has the zone's shape passes none, most of the time), or
    three passing check digits whatever the code (one misread letter, `LD` for `ID`, must not
    hide a zone whose numbers all check; `decide` never vouches for that read, and two could
    pass by chance on a page of ordinary text), and no line read twice. A zone's lines differ
    by structure, so two equal lines are one printed line the locator took twice: every engine
    then reads the same crop, and their agreement on its "names" (a TD1 number line, seen on
    an enlarged scan) would vouch for nothing."""
    known = bool(result.document_code) and result.document_code[0] in DOCUMENT_CODES
    passing = sum(c.valid for c in result.checks)
    return passing >= (1 if known else 3) and len(set(result.lines)) == len(result.lines)


@dataclass(frozen=True)
class _Candidate:
    band: Band
    result: MrzResult
    confidence: float
    characters: tuple[tuple[float, ...], ...] = ()  # per line, each character's confidence

    @property
    def key(self) -> tuple[int, int, int, int, float]:
        return (*rank(self.result), self.confidence)


def _at_width(greedy: LineRead, log_probs: npt.NDArray[np.float32], width: int) -> LineRead | None:
    """The line as read, or decoded again at the zone's width when it came out another length."""
    if len(greedy.text) == width:
        return greedy
    return ctc_fixed_length(log_probs, width)


def _read_ocrb(forward: Band, backward: Band) -> _Candidate | None:
    """The OCR-B reading of a group in whichever direction reads as an MRZ."""
    count = len(forward.crops)
    log_probs = ocrb_recognizer().log_probs([*forward.roomy, *backward.roomy])
    best: _Candidate | None = None
    for band, outputs in ((forward, log_probs[:count]), (backward, log_probs[count:])):
        greedy = [ctc_greedy(lp) for lp in outputs]
        if not all(_looks_like_mrz(g.text) for g in greedy):
            continue
        confidence = float(np.mean([c for g in greedy for c in g.confidences]))
        if confidence < MIN_CONFIDENCE:
            continue
        for width in _widths(count):
            if any(abs(len(g.text) - width) > MAX_MISCOUNT for g in greedy):
                continue
            texts = [_at_width(g, lp, width) for g, lp in zip(greedy, outputs, strict=True)]
            lines = [t for t in texts if t is not None]
            result = _parse([t.text for t in lines]) if len(lines) == len(texts) else None
            if result is None or not _plausible(result):
                continue
            characters = tuple(t.confidences for t in lines)
            candidate = _Candidate(band, result, confidence, characters)
            if best is None or candidate.key > best.key:
                best = candidate
    return best


#: An engine's lines as it read them (cleaned, any length) and their parse at the zone's width.
_EngineRead = tuple[tuple[str, ...], MrzResult | None]


def _as_read(texts: list[str], width: int) -> _EngineRead:
    lines = tuple(_NOT_MRZ.sub("<", t) for t in texts)
    if not lines or any(abs(len(t) - width) > MAX_MISCOUNT for t in lines):
        return lines, None
    return lines, _parse([fit(t, width) for t in lines])


def _read_rapidocr(band: Band, width: int) -> _EngineRead:
    """PP-OCRv4's recogniser on the same line crops, kept to the MRZ's alphabet (`pprec.py`):
    an independent second read. The lines compared field by field with the reported read are
    decoded at the zone's width, which puts each character where the evidence does (the `J`
    of a `JPN` its best path dropped comes back); the zone it would report is its best path
    with the fillers fitted, as decoding at the width also invented a `1` where a crop showed
    the card's edge."""
    log_probs = mrz_line_reader().log_probs(list(band.crops))
    best = [ctc_greedy(lp) for lp in log_probs]
    at_width = [_at_width(b, lp, width) or b for b, lp in zip(best, log_probs, strict=True)]
    _, parsed = _as_read([b.text for b in best], width)
    return tuple(line.text for line in at_width), parsed


def _band_image(band: Band) -> npt.NDArray[np.uint8]:
    rows = []
    for crop in band.crops:
        scale = TESSERACT_LINE_HEIGHT / crop.shape[0]
        rows.append(cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
    width = max(r.shape[1] for r in rows)
    padded = [
        cv2.copyMakeBorder(r, 0, 0, 0, width - r.shape[1], cv2.BORDER_REPLICATE) for r in rows
    ]
    return np.asarray(cv2.copyMakeBorder(np.vstack(padded), 20, 20, 20, 20, cv2.BORDER_REPLICATE))


class _Tesseract:
    """Debian's Tesseract (`eng`, MRZ alphabet only) on the same lines, stacked. Started
    beside PP-OCRv4's read of a doubtful zone (it is a separate process) and stopped unread
    when PP-OCRv4 already confirmed the zone."""

    OPTIONS = ("stdout", "--psm", "6", "-l", "eng", "-c",
               "tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")  # fmt: skip

    def __init__(self, band: Band) -> None:
        self.band = band
        self.process: subprocess.Popen[bytes] | None = None
        ok, png = cv2.imencode(".png", _band_image(band))
        if not ok or shutil.which(TESSERACT) is None:
            return
        # A file rather than stdin: the process starts reading at once, while we go on.
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as image:
            image.write(png.tobytes())
        self.path = Path(image.name)
        try:
            self.process = subprocess.Popen(
                (TESSERACT, str(self.path), *self.OPTIONS),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=TESSERACT_ENV,
            )
        except OSError:
            self.path.unlink(missing_ok=True)

    def result(self, width: int) -> _EngineRead:
        if self.process is None:
            return (), None
        try:
            out, _ = self.process.communicate(timeout=TESSERACT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.stop()
            return (), None
        texts = [_clean(t) for t in out.decode(errors="ignore").splitlines()]
        texts = [t for t in texts if len(t) >= MIN_LINE_CHARS]
        if len(texts) != len(self.band.crops):
            return tuple(texts), None
        return _as_read(texts, width)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _View:
    """The photo as the detector is shown it: turned `turn` degrees clockwise, with the 2x3
    matrix from the view's pixels back to the photo's."""

    image: RGB
    turn: float
    to_photo: npt.NDArray[np.float64]
    boxes: list[TextBox]
    scale: float  # from the view to the detector's copy


def _views(image: RGB) -> Iterator[_View]:
    """The photo as it is, a quarter turn away (the detector finds vertical lines too, but
    not all), then, when the photo is small or tilted, enlarged to the detector's size or
    levelled and seen larger (`FALLBACK_DETECT_SIDE`); each only when the one before showed
    no zone. A large, upright photo gains nothing from a third look."""
    height = image.shape[0]
    boxes, scale = text_boxes(image)
    yield _View(image, 0.0, np.array([[1.0, 0, 0], [0, 1.0, 0]]), boxes, scale)
    turned = np.ascontiguousarray(np.rot90(image, k=-1))
    yield _View(turned, 90.0, np.array([[0, 1.0, 0], [-1.0, 0, height]]), *text_boxes(turned))
    angle = text_angle(boxes)
    if abs(angle) >= MIN_LEVEL_DEG:
        levelled, to_photo = level(image, angle)
        found, scale = text_boxes(levelled, FALLBACK_DETECT_SIDE, enlarge=True)
        yield _View(levelled, -angle, to_photo, found, scale)
    elif max(image.shape[:2]) < DETECT_SIDE:
        found, scale = text_boxes(image, DETECT_SIDE, enlarge=True)
        yield _View(image, 0.0, np.array([[1.0, 0, 0], [0, 1.0, 0]]), found, scale)


def _cut_short(result: MrzResult) -> bool:
    """A passport zone read 36 characters wide: ICAO prints passports in TD3 (44) only, so
    the detector missed the end of its lines (faint fillers, a final box of its own)."""
    return result.format == "TD2" and result.document_code.startswith("P")


def _search(view: _View) -> _Candidate | None:
    best: _Candidate | None = None
    for group in groups(view.boxes):
        forward, backward = bands(view.image, group, view.scale)
        candidate = _read_ocrb(forward, backward)
        if candidate is not None and _cut_short(candidate.result):
            grow = (0.0, TD3_GROW) if candidate.band is forward else (TD3_GROW, 0.0)
            longer = _read_ocrb(*bands(view.image, group, view.scale, grow))
            candidate = longer if longer is not None and longer.key > candidate.key else candidate
        if candidate is not None and (best is None or candidate.key > best.key):
            best = candidate
            if best.key[0]:
                break
    return best


def _locate(image: RGB) -> _Candidate | None:
    for view in _views(image):
        found = _search(view)
        if found is not None:
            return (
                found if view.turn == 0 and view.image is image else _in_photo(found, view, image)
            )
    return None


def _in_photo(candidate: _Candidate, view: _View, image: RGB) -> _Candidate:
    """A candidate found on a turned or levelled view, reported in the photo's frame."""
    x, y, w, h = candidate.band.box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], np.float64)
    points = corners @ view.to_photo.T
    x0, y0 = np.clip(np.floor(points.min(axis=0)), 0, None)
    x1 = min(float(np.ceil(points[:, 0].max())), image.shape[1])
    y1 = min(float(np.ceil(points[:, 1].max())), image.shape[0])
    box = (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    rotation = round((candidate.band.rotation + view.turn) / 90) * 90 % 360
    band = replace(candidate.band, rotation=rotation, box=box)
    return replace(candidate, band=band)


def read_mrz(image: RGB) -> MrzRead:
    """Locate and read the MRZ of an upright-or-rotated RGB photo."""
    started = time.perf_counter()
    candidate = _locate(image)
    if candidate is None:
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
    band, first = candidate.band, candidate.result
    width = len(first.lines[0])
    reads: dict[str, MrzResult | None] = {"ocrb": first}
    lines: dict[str, tuple[str, ...]] = {"ocrb": first.lines}
    if sure_alone(first, candidate.characters):
        decision = sure_decision(first)
    else:
        tesseract = _Tesseract(band)
        try:
            lines["rapidocr"], reads["rapidocr"] = _read_rapidocr(band, width)
            decision = decide(reads, lines)
            if not decision.accepted:
                lines["tesseract"], reads["tesseract"] = tesseract.result(width)
                decision = decide(reads, lines)
        finally:
            tesseract.stop()
    return MrzRead(
        decision.result,
        decision.accepted,
        decision.reason,
        decision.engine,
        band.rotation,
        band.box,
        {name: read for name, read in lines.items() if read},
        round((time.perf_counter() - started) * 1000, 1),
        decision.unconfirmed,
    )
