"""Verification metrics on distances (lower = more alike); failures count as non-matches."""

from __future__ import annotations

import numpy as np


def auc(same: np.ndarray, dist: np.ndarray) -> float:
    """ROC AUC = P(genuine distance < impostor distance), ties counted half."""
    genuine, impostor = dist[same], dist[~same]
    less = (genuine[:, None] < impostor[None, :]).mean()
    ties = (genuine[:, None] == impostor[None, :]).mean()
    return float(less + 0.5 * ties)


def rates(same: np.ndarray, dist: np.ndarray, threshold: float) -> tuple[float, float]:
    """(FMR, FNMR) when pairs with distance <= threshold are accepted."""
    accept = dist <= threshold
    return float(accept[~same].mean()), float((~accept[same]).mean())


def eer(same: np.ndarray, dist: np.ndarray) -> float:
    finite = np.unique(dist[np.isfinite(dist)])
    best = (2.0, 1.0)
    for t in finite:
        fmr, fnmr = rates(same, dist, float(t))
        if abs(fmr - fnmr) < best[0]:
            best = (abs(fmr - fnmr), (fmr + fnmr) / 2.0)
    return best[1]


def fnmr_at_fmr(same: np.ndarray, dist: np.ndarray, fmr: float) -> tuple[float, float]:
    """Best FNMR with at most ``fmr`` of impostors accepted (threshold set on these pairs).

    Returns (FNMR, distance threshold). With n impostors only floor(fmr * n) may be accepted,
    so at 0.1 % and fewer than 1,000 impostors this means "no impostor accepted".
    """
    impostor = np.sort(dist[~same])
    allowed = int(np.floor(fmr * len(impostor)))
    limit = impostor[allowed] if allowed < len(impostor) else np.inf
    threshold = float(np.nextafter(limit, -np.inf))
    return rates(same, dist, threshold)[1], threshold


def summary(same: np.ndarray, dist: np.ndarray, shipped: float) -> dict[str, float]:
    fmr, fnmr = rates(same, dist, shipped)
    accuracy = float(((dist <= shipped) == same).mean())
    return {
        "auc": auc(same, dist),
        "eer": eer(same, dist),
        "fnmr@fmr1%": fnmr_at_fmr(same, dist, 0.01)[0],
        "fnmr@fmr0.1%": fnmr_at_fmr(same, dist, 0.001)[0],
        "acc@shipped": accuracy,
        "fmr@shipped": fmr,
        "fnmr@shipped": fnmr,
    }
