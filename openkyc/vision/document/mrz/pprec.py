"""PP-OCRv4's line recogniser as a second MRZ engine, its output kept to the MRZ's alphabet.

The RapidOCR wheel ships PP-OCRv4's recogniser, trained on real photographs of text in many
fonts. Through RapidOCR it decodes over its 6 623 characters and spaces, so on an MRZ it may
drop a letter (`JPN` read as `PN`) or miscount a run of fillers, and nothing says how many
characters the line must have. Here the model's own per-frame probabilities are kept for the
CTC blank and the 37 MRZ characters only, renormalised, for the reader to decode
(`second.read_pprec`).
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.mrz.checkdigit import MRZ_ALPHABET

Gray = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float32]

INPUT_HEIGHT = 48
"""PP-OCRv4's recogniser reads lines 48 px tall (RapidOCR's `rec_img_shape`)."""
STRETCH = 1.4
"""PP-OCRv4 drops letters of OCR-B lines at their own spacing ("SPEIMEN", "AUSITIZEN"); the
same crops stretched 1.4x wide read whole (measured on the development images)."""
MODEL_FILE = "models/ch_PP-OCRv4_rec_infer.onnx"
"""Inside the installed `rapidocr_onnxruntime` package."""
_FLOOR = 1e-12


def _model_path() -> Path:
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("rapidocr_onnxruntime is not installed")
    return Path(spec.origin).parent / MODEL_FILE


class MrzLineReader:
    """PP-OCRv4's recogniser on MRZ line crops (grayscale), restricted to the MRZ alphabet."""

    def __init__(self, model_path: Path | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        path = model_path or _model_path()
        self._session: Any = ort.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        characters = self._session.get_modelmeta().custom_metadata_map["character"].splitlines()
        # class 0 is the CTC blank, class i + 1 the model's i-th character, the last a space
        self._keep = np.array([0] + [characters.index(c) + 1 for c in MRZ_ALPHABET])

    def log_probs(self, crops: list[Gray]) -> list[FloatArray]:
        """Per-frame log-probabilities (T, 38) over the blank and MRZ_ALPHABET, per crop."""
        return [self._line(_prepare(crop)) for crop in crops]

    def _line(self, image: FloatArray) -> FloatArray:
        """One line on its own: a batch of a zone's lines padded to the widest took 1.3-1.45x
        as long as the same lines one by one on one onnxruntime thread (ADR 0202 section 16)."""
        (probs,) = self._session.run(None, {"x": image[np.newaxis]})
        kept = np.asarray(probs[0], np.float32)[:, self._keep] + _FLOOR
        kept /= kept.sum(axis=1, keepdims=True)
        return np.asarray(np.log(kept), np.float32)


def _prepare(crop: Gray) -> FloatArray:
    """As RapidOCR prepares a line (48 px tall, BGR, -1..1), after a `STRETCH` widening."""
    wide = cv2.resize(crop, None, fx=STRETCH, fy=1.0, interpolation=cv2.INTER_CUBIC)
    height, width = wide.shape[:2]
    resized = cv2.resize(
        wide, (max(8, math.ceil(INPUT_HEIGHT * width / max(height, 1))), INPUT_HEIGHT)
    )
    bgr = cv2.cvtColor(resized, cv2.COLOR_GRAY2BGR).astype(np.float32)
    return np.asarray((bgr.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5, np.float32)


@functools.cache
def mrz_line_reader() -> MrzLineReader:
    """The process-wide reader, loaded on first use (onnxruntime sessions may run from
    several threads at once)."""
    return MrzLineReader()
