"""Passive analysis of one still (the seed's single-image ``/v1/liveness/analyze``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from openkyc.vision.imaging import shrink
from openkyc.vision.liveness.landmarks import face_landmarks
from openkyc.vision.liveness.media import decode_image
from openkyc.vision.liveness.passive import (
    DEFAULT_PASSIVE,
    STILL_HINT,
    PassiveResult,
    PassiveThresholds,
    judge_still,
    passive_cues,
)

#: Stills are analysed larger than video frames: screen moire lives in the finest detail.
STILL_MAX_SIDE = 1280


def analyze_still(
    image: bytes | NDArray[np.uint8],
    thresholds: PassiveThresholds = DEFAULT_PASSIVE,
    model_path: str | None = None,
    max_side: int = STILL_MAX_SIDE,
) -> PassiveResult:
    """Passive presentation-attack cues on a JPEG/PNG (bytes) or RGB array.

    Raises ``FrameUnreadable`` for bytes that are not a decodable JPEG/PNG. A still never
    yields a "live" confidence above ``thresholds.live_confidence_max``.
    """
    if isinstance(image, bytes):
        rgb = decode_image(image, max_side)
    else:
        rgb, _ = shrink(np.ascontiguousarray(image, dtype=np.uint8), max_side)
    face = face_landmarks(model_path).observe(rgb)
    if not face.found:
        return PassiveResult(False, "unknown", 0.5, ("no face found", STILL_HINT), ())
    result = judge_still(passive_cues(rgb, face, thresholds), thresholds)
    if face.faces > 1:
        result = replace(result, hints=(*result.hints, f"{face.faces} faces in the image"))
    return result
