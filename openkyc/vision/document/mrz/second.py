"""The second reads of a zone the OCR-B read is not sure of: PP-OCRv4's recogniser on the same
line crops, kept to the MRZ's alphabet (`pprec.py`), and Debian's Tesseract on the stacked
lines, started side by side (Tesseract is its own process). `decide.py` compares them with
the OCR-B read field by field."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.mrz.icao import MrzResult, parse_or_none
from openkyc.vision.document.mrz.locate import Band
from openkyc.vision.document.mrz.ocrb import at_width, ctc_greedy
from openkyc.vision.document.mrz.pprec import mrz_line_reader
from openkyc.vision.document.tesseract import TESSERACT, TESSERACT_ENV

MIN_LINE_CHARS = 26  # shorter reads cannot be MRZ lines (TD1 lines have 30)
MAX_MISCOUNT = 5  # a line read this far from the zone's width is not that zone's line
TESSERACT_TIMEOUT_S = 10
TESSERACT_LINE_HEIGHT = 48
LOW_PRIORITY = 19
"""The third read's niceness. It is started beside PP-OCRv4's read and is needed only when
that read does not confirm the zone (then the MRZ's thread waits for it and the core is
its): at the usual priority it took CPU from PP-OCRv4's read and the printed-zone read on
the two cores, and was then killed unread on most zones (ADR 0202 section 16)."""
_NOT_MRZ = re.compile(r"[^A-Z0-9<]")


def clean(text: str) -> str:
    """An engine's line without spaces, its guillemets as fillers."""
    return text.upper().replace(" ", "").replace("\u00ab", "<<").replace("\u2039", "<")


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


EngineRead = tuple[tuple[str, ...], MrzResult | None]
"""An engine's lines as it read them (cleaned, any length) and their parse at the zone's width."""


def as_read(texts: list[str], width: int) -> EngineRead:
    """An engine's lines, and their parse when each is within MAX_MISCOUNT of the width."""
    lines = tuple(_NOT_MRZ.sub("<", t) for t in texts)
    if not lines or any(abs(len(t) - width) > MAX_MISCOUNT for t in lines):
        return lines, None
    return lines, parse_or_none([fit(t, width) for t in lines])


def read_pprec(band: Band, width: int) -> EngineRead:
    """PP-OCRv4's recogniser on the same line crops, kept to the MRZ's alphabet (`pprec.py`):
    an independent second read. The lines compared field by field with the reported read are
    decoded at the zone's width, which puts each character where the evidence does (the `J`
    of a `JPN` its best path dropped comes back); the zone it would report is its best path
    with the fillers fitted, as decoding at the width also invented a `1` where a crop showed
    the card's edge."""
    log_probs = mrz_line_reader().log_probs(list(band.crops))
    best = [ctc_greedy(lp) for lp in log_probs]
    placed = [at_width(b, lp, width) or b for b, lp in zip(best, log_probs, strict=True)]
    _, parsed = as_read([b.text for b in best], width)
    return tuple(line.text for line in placed), parsed


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


class TesseractRead:
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
            return
        try:  # it reads on what the reader leaves idle (see LOW_PRIORITY)
            os.setpriority(os.PRIO_PROCESS, self.process.pid, LOW_PRIORITY)
        except OSError:  # already exited, or not allowed here: it reads at the usual priority
            pass

    def result(self, width: int) -> EngineRead:
        if self.process is None:
            return (), None
        try:
            out, _ = self.process.communicate(timeout=TESSERACT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.stop()
            return (), None
        texts = [clean(t) for t in out.decode(errors="ignore").splitlines()]
        texts = [t for t in texts if len(t) >= MIN_LINE_CHARS]
        if len(texts) != len(self.band.crops):
            return tuple(texts), None
        return as_read(texts, width)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.path.unlink(missing_ok=True)
