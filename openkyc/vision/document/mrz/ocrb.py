"""The project's own OCR-B line recogniser: a small CRNN run with onnxruntime.

The model is trained by `benchmarks/documents/train_ocrb/train.py` on synthetic MRZ lines
rendered with Debian's `fonts-ocr-b`; the figures it reached are in `models/ocrb_crnn.json`.
Pre-processing lives here so that training and inference share one definition.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.mrz.checkdigit import MRZ_ALPHABET

INPUT_HEIGHT = 32
"""Line crops are scaled to this height before recognition."""
INPUT_WIDTH = 384
"""Maximum width after scaling; wider crops are squeezed (44 characters ~ 8 px each, 96 CTC
steps: enough for a TD3 line of fillers, which needs a blank between repeated characters)."""
BLANK = 0
"""CTC blank index; class i + 1 is MRZ_ALPHABET[i]."""
MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "ocrb_crnn.onnx"
SECOND_MODEL_PATH = MODEL_PATH.with_name("ocrb_crnn_b.onnx")
"""A second OCR-B model of ours, trained longer on harder lines (ADR 0203 section 12): it
reads more real print right but is sure less often, so it is asked only about zones the first
leaves in doubt, and only its sure reads count. Trained on the same font by the same script,
it is not an independent engine: the two never confirm each other."""

FloatArray = npt.NDArray[np.float32]
UInt8Array = npt.NDArray[np.uint8]


def preprocess_line(gray: UInt8Array) -> FloatArray:
    """A (1, H, W) float32 tensor: text bright on zero, contrast stretched, right-padded."""
    height, width = gray.shape[:2]
    new_width = max(8, min(INPUT_WIDTH, round(width * INPUT_HEIGHT / max(height, 1))))
    resized = cv2.resize(gray, (new_width, INPUT_HEIGHT), interpolation=cv2.INTER_AREA)
    img = resized.astype(np.float32)
    low, high = np.percentile(img, (2, 98))
    img = np.clip((img - low) / max(high - low, 1.0), 0.0, 1.0)
    out = np.zeros((1, INPUT_HEIGHT, INPUT_WIDTH), np.float32)
    out[0, :, :new_width] = 1.0 - img
    return out


@dataclass(frozen=True)
class LineRead:
    """One recognised line: the text and the per-character confidence (softmax maximum)."""

    text: str
    confidences: tuple[float, ...]


def _segments(path: list[int], probs: FloatArray) -> LineRead:
    chars: list[str] = []
    confs: list[float] = []
    previous = BLANK
    for index, cls in enumerate(path):
        if cls != BLANK and cls != previous:
            chars.append(MRZ_ALPHABET[cls - 1])
            confs.append(float(probs[index]))
        elif cls != BLANK:
            confs[-1] = max(confs[-1], float(probs[index]))
        previous = cls
    return LineRead("".join(chars), tuple(confs))


def ctc_greedy(log_probs: FloatArray) -> LineRead:
    """Best-path CTC decoding of a (T, C) array of log-probabilities."""
    return _segments(log_probs.argmax(axis=1).tolist(), np.exp(log_probs.max(axis=1)))


def ctc_fixed_length(log_probs: FloatArray, length: int) -> LineRead | None:
    """The most probable path that spells exactly `length` characters (None if none fits).

    An MRZ line has a known width; recognisers mostly err by merging or splitting runs of
    the same character (fillers above all). A Viterbi pass over (frame, characters so far,
    class) finds where the evidence best supports one more or one fewer character."""
    frames, classes = log_probs.shape
    if frames < length:
        return None
    score = np.full((length + 1, classes), -np.inf)
    score[0, BLANK] = log_probs[0, BLANK]
    if length:
        score[1, 1:] = log_probs[0, 1:]
    back_k = np.zeros((frames, length + 1, classes), np.int16)
    back_c = np.zeros((frames, length + 1, classes), np.int16)
    back_k[0] = np.arange(length + 1)[:, None]
    counts = np.arange(length + 1)
    for t in range(1, frames):
        order = np.argsort(score, axis=1)
        best_c, second_c = order[:, -1], order[:, -2]
        best = score[counts, best_c]
        second = score[counts, second_c]
        new = np.full((length + 1, classes), -np.inf)
        new_k = np.repeat(counts[:, None], classes, axis=1)
        new_c = np.repeat(np.arange(classes)[None, :], length + 1, axis=0)
        # a blank keeps the count; from any class
        new[:, BLANK] = best
        new_c[:, BLANK] = best_c
        # the same character again continues its segment
        new[:, 1:] = score[:, 1:]
        # a different character (or one after a blank) starts a new one
        start = np.full((length + 1, classes), -np.inf)
        start_c = np.zeros((length + 1, classes), np.int64)
        same = best_c[:-1, None] == np.arange(classes)[None, :]
        start[1:] = np.where(same, second[:-1, None], best[:-1, None])
        start_c[1:] = np.where(same, second_c[:-1, None], best_c[:-1, None])
        take = start[:, 1:] > new[:, 1:]
        new[:, 1:] = np.where(take, start[:, 1:], new[:, 1:])
        new_k[:, 1:] = np.where(take, counts[:, None] - 1, new_k[:, 1:])
        new_c[:, 1:] = np.where(take, start_c[:, 1:], new_c[:, 1:])
        score = new + log_probs[t][None, :]
        back_k[t], back_c[t] = new_k, new_c
    cls = int(np.argmax(score[length]))
    if not np.isfinite(score[length, cls]):
        return None
    path, k = [cls], length
    for t in range(frames - 1, 0, -1):
        k, cls = int(back_k[t, k, cls]), int(back_c[t, k, cls])
        path.append(cls)
    path.reverse()
    return _segments(path, np.exp(log_probs[np.arange(frames), path]))


def first_among(log_probs: FloatArray, allowed: str) -> tuple[str, float] | None:
    """The line's first character read among `allowed` only, with its probability: over the
    frames where the best path spells its first character, the allowed class with the most
    evidence. A field that may hold only a few letters (a document code starts with P, I,
    A, C or V) is read within them, as a digit field is within the digits."""
    path = log_probs.argmax(axis=1)
    spelled = np.flatnonzero(path != BLANK)
    if not spelled.size:
        return None
    start = end = int(spelled[0])
    while end + 1 < len(path) and path[end + 1] == path[start]:
        end += 1
    classes = [MRZ_ALPHABET.index(c) + 1 for c in allowed]
    evidence = log_probs[start : end + 1][:, classes]
    best = int(np.argmax(evidence.sum(axis=0)))
    return allowed[best], float(np.exp(evidence[:, best].max()))


def at_width(greedy: LineRead, log_probs: FloatArray, width: int) -> LineRead | None:
    """The line as read, or decoded again at the zone's width when it came out another length."""
    if len(greedy.text) == width:
        return greedy
    return ctc_fixed_length(log_probs, width)


class OcrbRecognizer:
    """Batch recogniser for MRZ line crops (grayscale uint8)."""

    def __init__(self, model_path: Path = MODEL_PATH) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session: Any = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )

    def log_probs(self, crops: list[UInt8Array]) -> list[FloatArray]:
        """Per-frame log-probabilities (T, C) for each crop."""
        if not crops:
            return []
        batch = np.stack([preprocess_line(c) for c in crops])
        (out,) = self._session.run(None, {"image": batch})
        return [np.asarray(o, np.float32) for o in out]


@functools.cache
def ocrb_recognizer() -> OcrbRecognizer:
    """The process-wide recogniser, loaded on first use."""
    return OcrbRecognizer()


@functools.cache
def second_ocrb_recognizer() -> OcrbRecognizer:
    """The second OCR-B model (`SECOND_MODEL_PATH`), loaded on first use."""
    return OcrbRecognizer(SECOND_MODEL_PATH)
