"""Face detection (dlib HOG) and 5-point alignment; dlib is imported only by the engine.

Pre-process → model → post-process: the image is shrunk to ``max_side`` for the detector,
boxes are mapped back to the full image, and landmarks and the aligned chip are computed on a
full-resolution crop around each face, so a 12 MP photo costs no more than a 640 px one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.face.types import RGBImage

__all__ = ["DetectionConfig", "Found", "align", "clip_rect", "find_faces"]

FloatArray = npt.NDArray[np.float64]

#: dlib's aligned chip: 150x150 with 25 % padding is what the ResNet was trained on.
CHIP_SIZE = 150
CHIP_PADDING = 0.25


@dataclass(frozen=True, slots=True)
class DetectionConfig:
    """Knobs of the detector, each measured in benchmarks/face/REPORT.md.

    ``max_side``: the detector sees the image shrunk to this (HOG at 640 px ~ 15-32 ms here).
    ``min_side``: smaller images are first enlarged to this (bicubic). Off by default: on the
    degraded pairs it gained nothing and lost two faces dlib's own upsampling finds.
    ``upsample_retry``: when nothing is found, retry with dlib's pyramid upsample (finds faces
    down to ~40 px, ~4x the cost). ``pad_fraction``: last retry with the borders replicated,
    because HOG needs context around a tightly cropped portrait.
    ``cnn_fallback_max_side``: when HOG finds nothing in an image no larger than this (a
    document portrait, a thumbnail), dlib's CNN (mmod) detector has the last word, with
    upsampling below half that size. It costs 20-350 ms there (2-9 s on a full photo) and
    found the dark-skinned ~70-100 px print-degraded faces every HOG pass missed (REPORT.md).
    0 turns it off.
    ``min_score``: when one pass finds several faces, those scoring below this are dropped
    unless none scores above it (then only the best is kept). HOG's weak hits next to a real
    face are mostly badges and textures (skimage's astronaut: mission patch at 0.03-0.21, her
    face at 1.3-1.5), and a false "largest" face or false second face is worse than a missed
    faint background one. Alone, weak hits are kept: degraded dark-skinned portraits in the
    benchmark score 0.0-0.3, and HOG gave no hit at all on 18 face-free skimage pictures.
    """

    max_side: int = 640
    min_side: int = 0
    upsample_retry: int = 1
    pad_fraction: float = 0.25
    min_score: float = 0.3
    cnn_fallback_max_side: int = 320


@dataclass(frozen=True, slots=True)
class Found:
    """A detection in full-image coordinates: (left, top, right, bottom) and HOG score."""

    rect: tuple[float, float, float, float]
    score: float


def find_faces(
    rgb: RGBImage, detector: Any, config: DetectionConfig, cnn: Callable[[], Any] | None = None
) -> list[Found]:
    """Detect faces, cheapest pass first; return them largest first (boxes may overhang).

    ``cnn`` returns dlib's CNN detector (loaded on first need) for the small-image fallback.
    """
    height, width = rgb.shape[:2]
    scale = min(config.max_side / max(height, width), 1.0)
    if max(height, width) < config.min_side:
        scale = config.min_side / max(height, width)
    work = _resize(rgb, scale)
    found = _run(detector, work, 0, config.min_score)
    if not found and config.upsample_retry > 0:
        found = _run(detector, work, config.upsample_retry, config.min_score)
    if not found and config.pad_fraction > 0:
        pad = round(max(work.shape[:2]) * config.pad_fraction)
        padded = np.asarray(
            cv2.copyMakeBorder(work, pad, pad, pad, pad, cv2.BORDER_REPLICATE), dtype=np.uint8
        )
        found = [
            _shift(f, -pad) for f in _run(detector, padded, config.upsample_retry, config.min_score)
        ]
    if not found and cnn is not None and max(work.shape[:2]) <= config.cnn_fallback_max_side:
        upsample = 1 if 2 * max(work.shape[:2]) <= config.cnn_fallback_max_side else 0
        found = _run_cnn(cnn(), work, upsample)
    mapped = [_scale(f, 1.0 / scale) for f in found]
    return sorted(mapped, key=lambda f: f.rect[2] - f.rect[0], reverse=True)


def align(
    rgb: RGBImage, rect: tuple[float, float, float, float], predictor: Any
) -> tuple[FloatArray, RGBImage]:
    """Return the 5 landmarks (full-image x, y) and the aligned 150x150 chip for one face.

    Works on a crop of twice the face size around it: dlib copies whatever it is given.
    """
    import dlib

    left, top, right, bottom = rect
    margin = max(right - left, bottom - top)
    x0, y0 = max(int(left - margin), 0), max(int(top - margin), 0)
    x1 = min(int(right + margin), rgb.shape[1])
    y1 = min(int(bottom + margin), rgb.shape[0])
    crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
    local = dlib.rectangle(int(left - x0), int(top - y0), int(right - x0), int(bottom - y0))
    shape = predictor(crop, local)
    chip = dlib.get_face_chip(crop, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
    points = np.array([(p.x + x0, p.y + y0) for p in shape.parts()], dtype=np.float64)
    return points, np.asarray(chip, dtype=np.uint8)


def _run(detector: Any, image: RGBImage, upsample: int, min_score: float) -> list[Found]:
    """One HOG pass at dlib's own threshold (0), then the weak-extras filter."""
    rects, scores, _ = detector.run(image, upsample, 0.0)
    found = [
        Found((r.left(), r.top(), r.right(), r.bottom()), float(s))
        for r, s in zip(rects, scores, strict=True)
    ]
    strong = [f for f in found if f.score >= min_score]
    return strong or sorted(found, key=lambda f: f.score, reverse=True)[:1]


def _run_cnn(cnn: Any, image: RGBImage, upsample: int) -> list[Found]:
    """dlib's mmod CNN; its confidence is on another scale than HOG's, so keep the best one."""
    hits = [
        Found((d.rect.left(), d.rect.top(), d.rect.right(), d.rect.bottom()), float(d.confidence))
        for d in cnn(image, upsample)
        if d.confidence > 0.0
    ]
    return sorted(hits, key=lambda f: f.score, reverse=True)[:1]


def _resize(rgb: RGBImage, scale: float) -> RGBImage:
    if abs(scale - 1.0) < 1e-6:
        return rgb
    interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    resized = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=interpolation)
    return np.ascontiguousarray(resized, dtype=np.uint8)


def _scale(found: Found, factor: float) -> Found:
    return Found(tuple(v * factor for v in found.rect), found.score)  # type: ignore[arg-type]


def _shift(found: Found, offset: float) -> Found:
    return Found(tuple(v + offset for v in found.rect), found.score)  # type: ignore[arg-type]


def clip_rect(
    rect: tuple[float, float, float, float], width: int, height: int
) -> tuple[int, int, int, int]:
    """Clip a detection to the image; HOG boxes may overhang a tightly cropped face."""
    left, top, right, bottom = (round(v) for v in rect)
    return max(left, 0), max(top, 0), min(right, width), min(bottom, height)
