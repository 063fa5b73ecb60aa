"""Find and read the MRZ in a photo with independent recognisers, and decide what to trust.

The zone is found by geometry on PP-OCRv4's text boxes (`locate.py`). Its lines are read by
the project's own OCR-B recogniser (`ocrb.py`, decoded at the zone's exact width), then by
PP-OCRv4's recogniser on the same crops, then, if still needed, by Tesseract. Check digits
cover the number and the dates; nothing covers the names, sex and country codes, so a zone is
accepted only when every check digit passes as read (a country-code repair only if the code
then exists) *and* a second, independent engine reads those uncovered fields the same.
Everything else is reported, not accepted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.mrz.icao import (
    TO_LETTER,
    MrzFormatError,
    MrzResult,
    parse,
    uncovered_spans,
)
from openkyc.vision.document.mrz.locate import (
    Band,
    bands,
    groups,
    text_boxes,
)
from openkyc.vision.document.mrz.ocrb import (
    LineRead,
    ctc_fixed_length,
    ctc_greedy,
    ocrb_recognizer,
)
from openkyc.vision.document.rapid import RAPIDOCR

RGB = npt.NDArray[np.uint8]
MIN_LINE_CHARS = 26  # shorter reads cannot be MRZ lines (TD1 lines have 30)
MAX_MISCOUNT = 5  # a line read this far from the zone's width is not that zone's line
MIN_CONFIDENCE = 0.3  # mean OCR-B character confidence below this: not an MRZ (or upside down)
RAPIDOCR_STRETCH = 1.4
"""PP-OCRv4 drops letters of OCR-B lines at their own spacing ("SPEIMEN", "AUSITIZEN"); the
same crops stretched 1.4x wide read whole (measured on the development images)."""
TESSERACT_TIMEOUT_S = 10
TESSERACT_LINE_HEIGHT = 48
DOCUMENT_CODES = "PIACV"
"""First letter of every ICAO document code (passports, ID cards, residence permits, visas)."""
_NOT_MRZ = re.compile(r"[^A-Z0-9<]")
UNCOVERED = ("surname", "given_names", "sex", "nationality", "issuing_country")
"""Fields no check digit covers: a second engine must read them the same."""
SURE_CHARACTER = 0.98
"""OCR-B confidence every uncovered character needs for a zone to be accepted on that read
alone (check digits passing as read, nothing repaired). On 3 000 held-out synthetic lines,
1 of the 2 325 lines read entirely at or above it had a letter wrong (E for F); on the real
development images, every uncovered misread had a character below 0.81 (ADR 0203)."""


@dataclass(frozen=True)
class MrzRead:
    result: MrzResult | None
    accepted: bool
    reason: str
    engine: str | None
    rotation: int
    box: tuple[int, int, int, int] | None  # x, y, w, h of the zone in the input photo
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)
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
            and _safe_repairs(result)
            and bool(self.unconfirmed)
            and set(self.unconfirmed) <= {"surname", "given_names"}
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


def _rank(result: MrzResult) -> tuple[int, int, int]:
    return (
        int(result.check_digits_valid and _safe_repairs(result)),
        sum(c.valid for c in result.checks),
        -len(result.repaired),
    )


def _safe_repairs(result: MrzResult) -> bool:
    """Letter/digit repairs of a country code are safe when the code is then a real one; of a
    name, because acceptance needs a second engine to read the repaired name. (A code read as
    printed but unknown, such as the specimens' UTO, is not a reading problem: validation
    reports it.)"""
    countries = {"issuing_country", "nationality"}
    repaired = set(result.repaired) - {"names"}  # a second engine must confirm names anyway
    return repaired <= countries and (not repaired or result.countries_valid)


def _plausible(result: MrzResult) -> bool:
    """A parse that could be a real zone: an ICAO document code, and at least one check digit
    that passes (text that merely has the zone's shape passes none, most of the time)."""
    code = result.document_code[:1]
    return bool(code) and code in DOCUMENT_CODES and any(c.valid for c in result.checks)


@dataclass(frozen=True)
class _Candidate:
    band: Band
    result: MrzResult
    confidence: float
    characters: tuple[tuple[float, ...], ...] = ()  # per line, each character's confidence

    @property
    def key(self) -> tuple[int, int, int, float]:
        return (*_rank(self.result), self.confidence)


def sure_alone(result: MrzResult, characters: tuple[tuple[float, ...], ...]) -> bool:
    """Whether one engine's read may be accepted without a second: check digits pass as
    read, nothing was repaired, and every character no check digit covers was read with at
    least SURE_CHARACTER confidence (`characters`: per line, each character's confidence)."""
    if not result.check_digits_valid or result.repaired or len(characters) != len(result.lines):
        return False
    spans = uncovered_spans(result.format, len(result.lines[0]))
    return all(
        min(characters[line][start:end], default=0.0) >= SURE_CHARACTER
        for line, start, end in spans
    )


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


def _read_rapidocr(band: Band, width: int) -> MrzResult | None:
    """PP-OCRv4's recogniser on the same line crops (an independent second read)."""
    crops = [
        cv2.cvtColor(
            cv2.resize(c, None, fx=RAPIDOCR_STRETCH, fy=1.0, interpolation=cv2.INTER_CUBIC),
            cv2.COLOR_GRAY2BGR,
        )
        for c in band.crops
    ]
    with RAPIDOCR.borrow() as engine:
        reads, _ = engine.text_rec(crops)
    texts = [_clean(str(text)) for text, _ in reads]
    if any(abs(len(t) - width) > MAX_MISCOUNT for t in texts):
        return None
    return _parse([fit(t, width) for t in texts])


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
        if not ok or shutil.which("tesseract") is None:
            return
        # A file rather than stdin: the process starts reading at once, while we go on.
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as image:
            image.write(png.tobytes())
        self.path = Path(image.name)
        self.process = subprocess.Popen(
            ("tesseract", str(self.path), *self.OPTIONS),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )

    def result(self, width: int) -> MrzResult | None:
        if self.process is None:
            return None
        try:
            out, _ = self.process.communicate(timeout=TESSERACT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.stop()
            return None
        texts = [_clean(t) for t in out.decode(errors="ignore").splitlines()]
        texts = [t for t in texts if len(t) >= MIN_LINE_CHARS]
        lines = len(self.band.crops)
        if len(texts) != lines or any(abs(len(t) - width) > MAX_MISCOUNT for t in texts):
            return None
        return _parse([fit(t, width) for t in texts])

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.path.unlink(missing_ok=True)


def _uncovered(result: MrzResult) -> dict[str, str]:
    """The fields no check digit covers, letters only where only letters may stand (engines
    confuse O/0 and I/1; in a name or a country code only the letter is possible)."""
    return {
        name: str(getattr(result, name)).translate(TO_LETTER) if name != "sex" else result.sex
        for name in UNCOVERED
    }


def _confirmed_by(result: MrzResult, others: dict[str, MrzResult]) -> dict[str, list[str]]:
    """For each uncovered field, the other engines that read it the same."""
    mine = _uncovered(result)
    theirs = {name: _uncovered(other) for name, other in others.items()}
    return {
        field_name: [name for name, fields in theirs.items() if fields[field_name] == value]
        for field_name, value in mine.items()
    }


@dataclass(frozen=True)
class Decision:
    """What to report of a zone read by several engines."""

    result: MrzResult
    accepted: bool
    reason: str
    engine: str  # whose read is reported
    unconfirmed: tuple[str, ...] = ()  # uncovered fields no other engine read the same


def decide(reads: dict[str, MrzResult | None]) -> Decision:
    """The zone to report, whether it is accepted, why, and on which engine's read.

    `reads` holds each engine's parse of the same zone, in order of trust. A zone is accepted
    when its check digits pass as read and every field they do not cover is read the same by
    at least one other engine (not necessarily the same one for every field)."""
    found = {name: r for name, r in reads.items() if r is not None}
    for name, result in found.items():
        if not (result.check_digits_valid and _safe_repairs(result)):
            continue
        others = {n: r for n, r in found.items() if n != name}
        same = [n for n, r in others.items() if r.lines == result.lines]
        if same:
            return Decision(result, True, f"{name} and {same[0]} read the same zone", name)
        confirmed = _confirmed_by(result, others)
        if all(confirmed.values()):
            engines = sorted({e for agreeing in confirmed.values() for e in agreeing})
            reason = (
                f"every check digit passes as read by {name}; {' and '.join(engines)} "
                "read the names, sex and country codes the same"
            )
            return Decision(result, True, reason, name)
        missing = tuple(f for f, agreeing in confirmed.items() if not agreeing)
        reason = (
            "check digits pass but no second engine confirmed the "
            f"{', '.join(f.replace('_', ' ') for f in missing)} (no check digit covers them)"
        )
        return Decision(result, False, reason, name, missing)
    best_name, best = max(found.items(), key=lambda item: _rank(item[1]))
    if best.check_digits_valid:
        reason = (
            f"check digits pass only after repairing {', '.join(best.repaired)}; "
            "no second engine confirmed"
        )
        return Decision(best, False, reason, best_name)
    failing = [
        f"{c.name} check digit fails: read {c.read}, computed {c.computed}"
        for c in best.checks
        if not c.valid
    ]
    return Decision(best, False, "; ".join(failing) or "MRZ not valid", best_name)


def _locate(image: RGB) -> _Candidate | None:
    best: _Candidate | None = None
    for turn in (0, 90):  # the detector finds vertical lines too; a quarter turn is a fallback
        turned = image if turn == 0 else np.ascontiguousarray(np.rot90(image, k=-1))
        boxes, scale = text_boxes(turned)
        for group in groups(boxes):
            candidate = _read_ocrb(*bands(turned, group, scale))
            if candidate is None:
                continue
            if turn:
                candidate = _unturn(candidate, image.shape)
            if best is None or candidate.key > best.key:
                best = candidate
            if best.key[0]:
                return best
        if best is not None:
            return best
    return None


def _unturn(candidate: _Candidate, shape: tuple[int, ...]) -> _Candidate:
    """Report a candidate found on the photo turned 90 degrees clockwise in the photo's frame."""
    x, y, w, h = candidate.band.box
    box = (y, shape[0] - x - w, h, w)
    rotation = (candidate.band.rotation + 90) % 360
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
    if sure_alone(first, candidate.characters):
        reason = (
            "every check digit passes as read by ocrb, and it read the names, sex and country "
            f"codes with confidence >= {SURE_CHARACTER}"
        )
        decision = Decision(first, True, reason, "ocrb")
    else:
        tesseract = _Tesseract(band)
        try:
            reads["rapidocr"] = _read_rapidocr(band, width)
            decision = decide(reads)
            if not decision.accepted:
                reads["tesseract"] = tesseract.result(width)
                decision = decide(reads)
        finally:
            tesseract.stop()
    return MrzRead(
        decision.result,
        decision.accepted,
        decision.reason,
        decision.engine,
        band.rotation,
        band.box,
        {name: r.lines for name, r in reads.items() if r is not None},
        round((time.perf_counter() - started) * 1000, 1),
        decision.unconfirmed,
    )
