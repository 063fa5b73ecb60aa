"""Pick the frame to hand to face matching: sharp, frontal, eyes open, large face."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openkyc.vision.liveness.identity import Embedder, embedding_distance
from openkyc.vision.liveness.landmarks import FaceObservation
from openkyc.vision.liveness.passive import crop_face, sharpness

#: Frames turned or tilted more than this (degrees) are poor for matching a document portrait.
FRONTAL_MAX_DEG = 20.0


@dataclass(frozen=True)
class FrameQuality:
    sharpness: float  # Laplacian variance of the face at 128 px width
    face_width_px: float
    yaw: float
    pitch: float
    blink: float
    score: float  # higher is better; only comparable within one submission


@dataclass(frozen=True)
class BestFrame:
    index: int  # into the analysed frames
    at_ms: float
    image: NDArray[np.uint8]  # RGB, as analysed (longest side <= MediaLimits.max_side)
    box: tuple[float, float, float, float]
    quality: FrameQuality
    embedding: NDArray[np.float32] | None  # 128-D, for matching against the document portrait


def frame_quality(rgb: NDArray[np.uint8], obs: FaceObservation) -> FrameQuality:
    sharp = sharpness(crop_face(rgb, obs.box))
    width = obs.box[2] - obs.box[0]
    frontal = max(0.0, 1.0 - max(abs(obs.yaw), abs(obs.pitch)) / (2 * FRONTAL_MAX_DEG))
    eyes_open = max(0.0, 1.0 - obs.blink)
    score = float(np.log1p(sharp) * np.log1p(width) * frontal * eyes_open)
    return FrameQuality(sharp, width, obs.yaw, obs.pitch, obs.blink, score)


def pick_best(
    frames: Sequence[NDArray[np.uint8]],
    observations: Sequence[FaceObservation],
    times_ms: Sequence[float],
) -> BestFrame | None:
    scored = [(frame_quality(frames[i], o), i) for i, o in enumerate(observations) if o.found]
    if not scored:
        return None
    quality, index = max(scored, key=lambda pair: pair[0].score)
    obs = observations[index]
    return BestFrame(index, float(times_ms[index]), frames[index], obs.box, quality, None)


def identity_spread(
    frames: Sequence[NDArray[np.uint8]],
    observations: Sequence[FaceObservation],
    best: BestFrame,
    embedder: Embedder,
) -> tuple[NDArray[np.float32] | None, float | None]:
    """(best frame's embedding, its distance to the most frontal face of the clip third that
    lies farthest from it in time): one person throughout gives a small distance. Two
    embeddings, not more, keep a 3 s clip under its latency budget (~90 ms each)."""
    reference = embedder(best.image, best.box)
    if reference is None:
        return None, None
    n = len(observations)
    third = max(1, n // 3)
    lo, hi = (n - third, n) if best.index < n / 2 else (0, third)
    pick = _most_frontal(observations, lo, hi)
    if pick is None or pick == best.index:
        return reference, None
    other = embedder(frames[pick], observations[pick].box)
    return reference, None if other is None else embedding_distance(reference, other)


def _most_frontal(obs: Sequence[FaceObservation], lo: int, hi: int) -> int | None:
    # Embeddings of faces turned past FRONTAL_MAX_DEG drift even for one person (live_05: 0.58).
    found = [
        i
        for i in range(lo, hi)
        if obs[i].found and max(abs(obs[i].yaw), abs(obs[i].pitch)) <= FRONTAL_MAX_DEG
    ]
    if not found:
        return None
    return min(found, key=lambda i: abs(obs[i].yaw) + abs(obs[i].pitch) + 30 * obs[i].blink)
