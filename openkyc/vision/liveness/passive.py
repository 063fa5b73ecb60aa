"""Passive presentation-attack cues on one still: supporting evidence, never proof of life.

Cues: screen moire / pixel-grid frequency peaks (FFT), recapture borders (straight edges
framing the face), print-like flat colour gamut, specular glare, face size and sharpness.
A still cannot prove liveness, so a "live" verdict here never exceeds
``PassiveThresholds.live_confidence_max`` and says so in its hints.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from openkyc.vision.liveness.landmarks import FaceObservation

STILL_HINT = "a single still cannot prove liveness: require the active challenge to auto-accept"


@dataclass(frozen=True)
class PassiveThresholds:
    """Named thresholds. Set from first principles and astronaut(); NOT tuned on the shared
    stills (benchmarks/liveness/REPORT.md reports them as an untuned check)."""

    face_min_px: float = 80.0  # face box width; the face issue's detector floor
    sharpness_min: float = 15.0  # Laplacian variance of the face resized to 128 px wide
    moire_peak_min: float = 12.0  # whitened spectral peak / median, off JPEG 8x8 harmonics
    border_sides_min: int = 3  # long straight edges framing the face on >= this many sides
    gamut_sat_std_max: float = 0.045  # saturation spread of face pixels (prints are flat)
    gamut_range_min: float = 90.0  # p99-p1 luminance of face pixels
    glare_share_max: float = 0.04  # share of face pixels that are blown-out, colourless
    live_confidence_max: float = 0.5  # a still never says more than this for "live"


DEFAULT_PASSIVE = PassiveThresholds()


@dataclass(frozen=True)
class Cue:
    name: str
    value: float
    threshold: float
    flagged: bool
    meaning: str  # what a flag means, e.g. "screen"


@dataclass(frozen=True)
class PassiveResult:
    is_live: bool
    spoof_type: str  # none | screen | paper | unknown
    confidence: float
    hints: tuple[str, ...]
    cues: tuple[Cue, ...]


def crop_face(rgb: NDArray[np.uint8], box: tuple[float, float, float, float]) -> NDArray[np.uint8]:
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = (round(v) for v in box)
    out: NDArray[np.uint8] = rgb[max(0, y0) : min(height, y1), max(0, x0) : min(width, x1)]
    return out


def sharpness(face: NDArray[np.uint8]) -> float:
    grey = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    scale = 128.0 / max(1, grey.shape[1])
    grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def moire_peak(
    rgb: NDArray[np.uint8], box: tuple[float, float, float, float], size: int = 128
) -> float:
    """Largest spectral peak over its radius' median, away from DC and JPEG block harmonics,
    in a size x size patch centred on the face (a screen's grid covers the face and beyond,
    so small faces are measured on their surroundings too)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float64)
    if min(grey.shape) < size:
        return 0.0
    cy = int(np.clip((box[1] + box[3]) / 2, size // 2, grey.shape[0] - size // 2))
    cx = int(np.clip((box[0] + box[2]) / 2, size // 2, grey.shape[1] - size // 2))
    patch = grey[cy - size // 2 : cy + size // 2, cx - size // 2 : cx + size // 2]
    patch = (patch - patch.mean()) * np.outer(np.hanning(size), np.hanning(size))
    mag = np.abs(np.fft.fftshift(np.fft.fft2(patch)))
    yy, xx = np.mgrid[-size // 2 : size // 2, -size // 2 : size // 2]
    radius = np.hypot(yy, xx).astype(int)
    block = size // 8  # JPEG 8x8 blocks put peaks at multiples of size/8 on both axes
    on_grid = ((yy % block == 0) & (xx % block == 0)) | (yy == 0) | (xx == 0)
    valid = (radius >= size // 8) & (radius < size // 2) & ~on_grid
    medians = np.zeros(radius.max() + 1)
    for r in np.unique(radius[valid]):
        medians[r] = np.median(mag[valid & (radius == r)])
    white = mag[valid] / np.maximum(medians[radius[valid]], 1e-9)
    return float(white.max()) if white.size else 0.0


def border_sides(rgb: NDArray[np.uint8], box: tuple[float, float, float, float]) -> int:
    """How many sides of the face (left, right, above, below) a long straight edge frames."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(grey, 60, 160)
    span = 0.35 * min(grey.shape)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, 80, minLineLength=span, maxLineGap=6)
    x0, y0, x1, y1 = box
    sides: set[str] = set()
    for xa, ya, xb, yb in [] if lines is None else lines[:, 0]:
        if abs(int(xa) - int(xb)) <= 0.05 * abs(int(ya) - int(yb)):  # vertical
            sides.add("left" if max(xa, xb) < x0 else "right" if min(xa, xb) > x1 else "")
        elif abs(int(ya) - int(yb)) <= 0.05 * abs(int(xa) - int(xb)):  # horizontal
            sides.add("above" if max(ya, yb) < y0 else "below" if min(ya, yb) > y1 else "")
    sides.discard("")
    return len(sides)


def gamut(face: NDArray[np.uint8]) -> tuple[float, float]:
    """(saturation spread 0-1, luminance range 0-255) of the face pixels."""
    hsv = cv2.cvtColor(face, cv2.COLOR_RGB2HSV)
    sat = hsv[..., 1].astype(np.float64) / 255.0
    val = hsv[..., 2].astype(np.float64)
    return float(sat.std()), float(np.percentile(val, 99) - np.percentile(val, 1))


def glare_share(face: NDArray[np.uint8]) -> float:
    hsv = cv2.cvtColor(face, cv2.COLOR_RGB2HSV)
    blown = (hsv[..., 2] >= 250) & (hsv[..., 1] <= 40)
    return float(blown.mean())


def passive_cues(
    rgb: NDArray[np.uint8], face: FaceObservation, th: PassiveThresholds = DEFAULT_PASSIVE
) -> tuple[Cue, ...]:
    """Measure every passive cue on the face of one frame."""
    crop = crop_face(rgb, face.box)
    width = face.box[2] - face.box[0]
    sat_std, lum_range = gamut(crop)
    sharp, peak = sharpness(crop), moire_peak(rgb, face.box)
    sides, glare = border_sides(rgb, face.box), glare_share(crop)
    flat = sat_std < th.gamut_sat_std_max and lum_range < th.gamut_range_min
    return (
        Cue("face_width_px", width, th.face_min_px, width < th.face_min_px, "quality"),
        Cue("sharpness", sharp, th.sharpness_min, sharp < th.sharpness_min, "quality"),
        Cue("moire_peak", peak, th.moire_peak_min, peak >= th.moire_peak_min, "screen"),
        Cue("border_sides", sides, th.border_sides_min, sides >= th.border_sides_min, "screen"),
        Cue("saturation_spread", sat_std, th.gamut_sat_std_max, flat, "paper"),
        Cue("glare_share", glare, th.glare_share_max, glare > th.glare_share_max, "unknown"),
    )


def judge_still(cues: tuple[Cue, ...], th: PassiveThresholds = DEFAULT_PASSIVE) -> PassiveResult:
    """Turn cues into a verdict whose confidence admits what a still cannot show."""
    hints = [STILL_HINT]
    attack = [c for c in cues if c.flagged and c.meaning != "quality"]
    hints += [f"{c.name} {c.value:.3g} vs threshold {c.threshold:.3g}" for c in cues if c.flagged]
    if attack:
        kinds = {c.meaning for c in attack} - {"unknown"}
        spoof = kinds.pop() if len(kinds) == 1 else "unknown"
        return PassiveResult(False, spoof, min(0.8, 0.5 + 0.1 * len(attack)), tuple(hints), cues)
    quality_ok = not any(c.flagged for c in cues)
    confidence = th.live_confidence_max if quality_ok else th.live_confidence_max / 2
    return PassiveResult(True, "none", confidence, tuple(hints), cues)
