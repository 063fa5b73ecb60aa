"""The distance → similarity mapping and the FMR calibration table (no model needed)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from openkyc.vision.face import calibration
from openkyc.vision.face.calibration import (
    CALIBRATION,
    DEFAULT_FMR,
    distance_from_similarity,
    distance_threshold_for_fmr,
    fmr_for_threshold,
    similarity_from_distance,
    threshold_for_fmr,
)


def test_similarity_is_strictly_decreasing_and_bounded() -> None:
    distances = np.linspace(0.0, 1.6, 400)
    similarities = np.array([similarity_from_distance(float(d)) for d in distances])
    assert np.all(np.diff(similarities) < 0)
    assert similarities.min() > 0.0
    assert similarities.max() < 1.0


@pytest.mark.parametrize("distance", [0.2, 0.4, 0.5, 0.6, 0.8])
def test_distance_from_similarity_inverts_the_mapping(distance: float) -> None:
    assert distance_from_similarity(similarity_from_distance(distance)) == pytest.approx(distance)


def test_calibration_table_is_ordered() -> None:
    fmrs = [f for f, _ in CALIBRATION]
    distances = [d for _, d in CALIBRATION]
    assert fmrs == sorted(fmrs, reverse=True)
    assert distances == sorted(distances, reverse=True)
    assert len(set(distances)) == len(distances)


def test_threshold_gets_stricter_as_the_target_fmr_falls() -> None:
    targets = np.logspace(-5, -0.5, 60)
    thresholds = [threshold_for_fmr(float(t)) for t in targets]
    assert all(a >= b for a, b in itertools.pairwise(thresholds))
    inside = [t for t in targets if CALIBRATION[-1][0] < t < CALIBRATION[0][0]]
    inner = [threshold_for_fmr(float(t)) for t in inside]
    assert all(a > b for a, b in itertools.pairwise(inner))


@pytest.mark.parametrize("fmr", [0.05, 0.01, 0.003, 0.001, 0.0003])
def test_fmr_for_threshold_inverts_threshold_for_fmr(fmr: float) -> None:
    assert fmr_for_threshold(threshold_for_fmr(fmr)) == pytest.approx(fmr, rel=1e-6)


def test_default_threshold_is_the_calibrated_01_percent_row() -> None:
    assert DEFAULT_FMR == 0.001
    row = dict(CALIBRATION)[0.001]
    assert distance_threshold_for_fmr() == pytest.approx(row)
    # dlib's customary 0.6 distance must be looser than the KYC default.
    assert distance_threshold_for_fmr() < 0.6
    assert calibration.CALIBRATION_SOURCE


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5])
def test_out_of_range_inputs_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="must be in"):
        threshold_for_fmr(bad)
    with pytest.raises(ValueError, match="must be in"):
        distance_from_similarity(bad)
