"""Every Tesseract run of the document reader: Debian's libtesseract, one OpenMP thread.

The printed zone, the names' Latin-script re-read and page orientation run in this process
through `tesserocr` (built by scripts/install.sh against Debian's libtesseract, so the engine
and its results are the command line's, TSV for TSV: ADR 0204). A loaded model is kept and
used again: the command line paid the model's load on every call (`fra` ~0.07 s, the Latin
script model ~0.35 s) and a PNG round trip, ~0.15-0.8 s per call in all. The MRZ's third
read stays a separate `tesseract` process (`mrz/second.py`), which can be killed unread.
"""

from __future__ import annotations

import os

# libgomp reads its thread limit once, when it is loaded (with libtesseract, just below).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import csv
import ctypes
import ctypes.util
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import tesserocr

from openkyc.vision.pool import Instances

TESSERACT = "tesseract"
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other on 2 shared cores: one ID-1 page took 0.55-1.05 s
with the default and 0.17 s with one thread (same text read)."""

TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
               "left", "top", "width", "height", "conf", "text")  # fmt: skip
"""The command line's `tsv` header; the library's TSV has the rows only."""


LEPTONICA_SILENT = 6
"""Leptonica's `L_SEVERITY_NONE`: Tesseract's layout analysis asks Leptonica to clip boxes
that fall outside the page, and Leptonica wrote `Error in boxClipToRectangle: box outside
rectangle` to the server's stderr for it (on 1 in ~25 real photos) while Tesseract read on.
What Tesseract cannot do reaches the reader as its return values (`TesseractError`)."""


def _quiet_leptonica() -> None:
    """Leptonica (libtesseract's image library, loaded once per process) writes no messages."""
    name = ctypes.util.find_library("lept")
    if name is None:
        return
    try:
        ctypes.CDLL(name).setMsgSeverity(LEPTONICA_SILENT)
    except (OSError, AttributeError):  # another build of Leptonica: its messages stay
        return


_quiet_leptonica()


class TesseractError(RuntimeError):
    """Tesseract could not run: a model not installed, or the time limit passed."""


@dataclass(frozen=True)
class _Settings:
    languages: str
    variables: tuple[tuple[str, str], ...]


def tessdata() -> str:
    """Where the models are: TESSDATA_PREFIX, else the library's own default (Debian's)."""
    return os.environ.get("TESSDATA_PREFIX") or str(tesserocr.get_languages()[0])


def _load(settings: _Settings) -> Any:
    """A `PyTessBaseAPI` with the model loaded (the Latin-script model holds ~280 MB)."""
    try:
        api = tesserocr.PyTessBaseAPI(path=tessdata(), lang=settings.languages)
    except RuntimeError as exc:
        raise TesseractError(
            f"Tesseract could not load {settings.languages!r} from {tessdata()}: {exc}"
        ) from exc
    for name, value in settings.variables:
        if not api.SetVariable(name, value):
            api.End()
            raise TesseractError(f"Tesseract has no setting {name!r}")
    return api


_POOLS: dict[_Settings, Instances[Any]] = {}
_POOLS_LOCK = threading.Lock()


@contextmanager
def _engine(settings: _Settings) -> Iterator[Any]:
    """A loaded engine for these settings, for one call (Tesseract releases the GIL while it
    reads, so two calls run side by side on two cores, each with its own engine)."""
    with _POOLS_LOCK:
        pool = _POOLS.setdefault(settings, Instances(lambda: _load(settings)))
    with pool.borrow() as api:
        try:
            yield api
        finally:
            api.Clear()


def _set_image(api: Any, gray: npt.NDArray[np.uint8], dpi: int) -> None:
    image = np.ascontiguousarray(gray, dtype=np.uint8)
    height, width = image.shape
    api.SetImageBytes(image.tobytes(), width, height, 1, width)
    api.SetSourceResolution(dpi)


def read_tsv(
    gray: npt.NDArray[np.uint8],
    languages: str,
    *,
    psm: int,
    dpi: int,
    timeout_s: float,
    variables: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Tesseract's word rows for a grey image, as the command line's `tsv` output would give
    them (`tesseract img stdout -l LANGS --psm PSM --dpi DPI -c K=V tsv`)."""
    settings = _Settings(languages, tuple(sorted((variables or {}).items())))
    with _engine(settings) as api:
        api.SetPageSegMode(psm)
        _set_image(api, gray, dpi)
        if not api.Recognize(timeout=max(1, round(timeout_s * 1000))):  # 0 would mean none
            raise TesseractError(f"Tesseract did not finish within {timeout_s:.0f} s")
        text = api.GetTSVText(0)
    rows = csv.DictReader(
        text.splitlines(), fieldnames=TSV_COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE
    )
    return list(rows)


def orientation(gray: npt.NDArray[np.uint8], dpi: int) -> tuple[int, float]:
    """(degrees to turn the page clockwise to make it upright, confidence) from Tesseract's
    orientation and script detection (`--psm 0`, the `osd` model)."""
    with _engine(_Settings("osd", ())) as api:
        api.SetPageSegMode(tesserocr.PSM.OSD_ONLY)
        _set_image(api, gray, dpi)
        found = api.DetectOrientationScript()
    if not found:
        return 0, 0.0
    # `orient_deg` is how far the text is turned anticlockwise; the command line's "Rotate"
    # is the clockwise turn that undoes it.
    return (360 - int(found["orient_deg"])) % 360, float(found["orient_conf"])
