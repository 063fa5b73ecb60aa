"""PP-OCRv4 through RapidOCR (the wheel ships the models), shared by the MRZ locator and the
printed-zone reader.

A RapidOCR instance keeps per-call state, so one instance serves one call at a time. Instead
of one instance behind a lock (which made two workers wait for each other's detector), calls
borrow an instance from a small pool and return it: as many instances exist as calls ever ran
at once (two to four on the 2-core machine, ~40 MB each: the printed-zone pass borrows a
second instance to recognise half its runs, `viz.engines._SplitRecogniser`).
"""

from __future__ import annotations

from typing import Any

from openkyc.vision.pool import Instances

RAPIDOCR_OPTIONS: dict[str, Any] = {
    "intra_op_num_threads": 1,
    "inter_op_num_threads": 1,
    "det_limit_type": "max",
    "det_limit_side_len": 960,
    "rec_batch_num": 1,
}
"""One onnxruntime thread (1.13 s -> 0.70 s per ID-1 page on the shared 2 cores: workers run
side by side) and no upscaling for detection (the default scales the short side up to
736 px). Under `limit_type="max"` RapidOCR 1.4.4 does not use `det_limit_side_len`: it
detects an image under 960 px at 960, one under 1500 at 1500 (a 1250 px passport page at
full size, ~430 ms here). The MRZ locator shrinks its images itself (`mrz.locate`); the
printed-zone pass keeps the full page: at 960 px it lost runs (23 -> 10 on a German visa,
7 -> 2 on a photo of a table; tried in session 10).
Text runs are recognised one at a time: in batches of 6 every run is padded to the widest
(4.0 -> 2.4 s on one passport page of 22 runs)."""


def _make_rapidocr() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(**RAPIDOCR_OPTIONS)


RAPIDOCR: Instances[Any] = Instances(_make_rapidocr)
"""Borrow with ``with RAPIDOCR.borrow() as engine: engine.text_det(...)``."""

DETECTOR_THREADS = 2
"""The printed-zone pass detects a whole page (upscaled to 1250 px: the detector finds small
print on an upscaled page it misses at the photo's size) on two onnxruntime threads: it
runs once the MRZ is read, when the second core is mostly idle (400 -> 240 ms on a
1250 x 870 page, alone)."""


def _make_detector() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(**{**RAPIDOCR_OPTIONS, "intra_op_num_threads": DETECTOR_THREADS}).text_det


DETECTORS: Instances[Any] = Instances(_make_detector)
"""PP-OCRv4's text detector alone, on `DETECTOR_THREADS` threads (`viz.engines`)."""
