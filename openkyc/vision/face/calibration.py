"""Distance → similarity mapping and thresholds chosen from a target false-match rate.

Similarity is a fixed logistic function of dlib's Euclidean embedding distance::

    similarity(d) = 1 / (1 + exp((d - SIMILARITY_MIDPOINT) / SIMILARITY_SCALE))

It is strictly decreasing in ``d`` (so thresholds keep their order either way), lies in (0, 1),
and has an exact inverse, ``distance_from_similarity``. It is a presentation scale, not a
probability: what a similarity is worth is given by ``fmr_for_threshold``.

The calibration table below gives, for a target false-match rate (FMR, the share of impostor
comparisons accepted), the distance threshold measured on the calibration split. Between rows
the threshold is interpolated linearly in log10(FMR); outside them it is clamped.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "CALIBRATION",
    "CALIBRATION_SOURCE",
    "DEFAULT_FMR",
    "SIMILARITY_MIDPOINT",
    "SIMILARITY_SCALE",
    "distance_from_similarity",
    "distance_threshold_for_fmr",
    "fmr_for_threshold",
    "similarity_from_distance",
    "threshold_for_fmr",
]

#: Distance at which similarity is 0.5, and how fast it falls around it. Set once (2026-11-21)
#: so the default threshold (FMR 0.1 %, distance 0.556) reads 0.74 and dlib's customary 0.6
#: reads 0.58; never re-tuned with the table, so a stored similarity keeps its meaning.
#: Same-person pairs in the benchmark sit at distance 0.2-0.5 (similarity 0.86-1.0),
#: different people at 0.55-1.1 (similarity 0.0-0.76).
SIMILARITY_MIDPOINT = 0.62
SIMILARITY_SCALE = 0.06

#: Default target false-match rate per comparison: 0.1 %, the usual KYC 1:1 operating point.
DEFAULT_FMR = 0.001

CALIBRATION_SOURCE = (
    "dlib_johns pairs of ../shared/data/faces/pairs.csv (dlib @ 3d40bf57, 54 identities, "
    "1,166 impostor pairs), impostor distances pooled over clean and ID-portrait-degraded "
    "(face 100 and 70 px, JPEG q30-40, blur, print colours) side b: 3,498 comparisons, "
    "mean 0.881, sd 0.105, min 0.610; engine v2 (HOG 640 px, 5-point chips, flip average). "
    "Each row = min(empirical quantile, normal-fit quantile). Evaluated, not tuned, on the "
    "deepface pairs: see benchmarks/face/REPORT.md (2026-11-21)."
)

#: (target FMR, distance threshold), FMR strictly decreasing, distance strictly decreasing.
#: Empirical / normal-fit distances were 0.732/0.746, 0.671/0.637, 0.622/0.556, 0.610/0.490.
CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.1, 0.732),
    (0.01, 0.637),
    (0.001, 0.556),
    (0.0001, 0.490),
)


def similarity_from_distance(distance: float) -> float:
    """Map an embedding distance (>= 0) to a similarity on (0, 1); strictly decreasing."""
    z = (distance - SIMILARITY_MIDPOINT) / SIMILARITY_SCALE
    return 1.0 / (1.0 + math.exp(min(z, 700.0)))


def distance_from_similarity(similarity: float) -> float:
    """Exact inverse of ``similarity_from_distance`` for similarities in (0, 1)."""
    if not 0.0 < similarity < 1.0:
        raise ValueError(f"similarity must be in (0, 1), got {similarity}")
    return SIMILARITY_MIDPOINT + SIMILARITY_SCALE * math.log(1.0 / similarity - 1.0)


def distance_threshold_for_fmr(fmr: float = DEFAULT_FMR) -> float:
    """Distance threshold accepting ``fmr`` of impostors on the calibration split."""
    if not 0.0 < fmr < 1.0:
        raise ValueError(f"fmr must be in (0, 1), got {fmr}")
    logs = [math.log10(f) for f, _ in reversed(CALIBRATION)]
    distances = [d for _, d in reversed(CALIBRATION)]
    return float(np.interp(math.log10(fmr), logs, distances))


def threshold_for_fmr(fmr: float = DEFAULT_FMR) -> float:
    """Similarity threshold (0-1) for a target false-match rate; decreasing in ``fmr``."""
    return similarity_from_distance(distance_threshold_for_fmr(fmr))


def fmr_for_threshold(similarity: float) -> float:
    """Estimated false-match rate of a similarity threshold: the inverse of threshold_for_fmr.

    Clamped to the table's range: beyond its last rows the calibration set says nothing.
    """
    distance = distance_from_similarity(similarity)
    logs = [math.log10(f) for f, _ in reversed(CALIBRATION)]
    distances = [d for _, d in reversed(CALIBRATION)]
    return float(10.0 ** np.interp(distance, distances, logs))
