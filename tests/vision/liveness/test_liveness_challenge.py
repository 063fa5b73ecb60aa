"""Step detection on measured signals (post-processing only, no model): order, speed, shape."""

from __future__ import annotations

import pytest

from openkyc.vision.liveness import ChallengeInvalid, FaceObservation, validate_steps
from openkyc.vision.liveness.challenge import check_steps
from openkyc.vision.liveness.landmarks import blink_score

FPS = 15.0


def track(yaw: list[float], blink: list[float] | None = None) -> list[FaceObservation]:
    blink = blink or [0.05] * len(yaw)
    return [FaceObservation(found=True, yaw=y, blink=b) for y, b in zip(yaw, blink, strict=True)]


def times(n: int) -> list[float]:
    return [i * 1000.0 / FPS for i in range(n)]


def turn(peak: float, frames: int = 10) -> list[float]:
    half = frames // 2
    up = [peak * i / half for i in range(half)]
    return up + [peak] * 2 + up[::-1]


def test_turns_in_order_are_detected_with_time_and_value() -> None:
    yaw = [0.0] * 8 + turn(30.0) + [0.0] * 8 + turn(-30.0) + [0.0] * 8
    results = check_steps(["turn_left", "turn_right"], track(yaw), times(len(yaw)))
    assert [r.detected for r in results] == [True, True]
    assert results[0].value == pytest.approx(30.0)
    assert results[0].threshold_name == "turn_yaw_min_deg"
    assert results[0].at_ms is not None
    assert results[1].at_ms is not None
    assert results[1].at_ms > results[0].at_ms


def test_wrong_order_fails_with_reason() -> None:
    yaw = [0.0] * 8 + turn(30.0) + [0.0] * 8 + turn(-30.0) + [0.0] * 8
    results = check_steps(["turn_right", "turn_left"], track(yaw), times(len(yaw)))
    assert results[0].detected
    assert not results[1].detected
    assert "wrong order" in results[1].reason


def test_mirrored_frames_swap_directions() -> None:
    yaw = [0.0] * 8 + turn(30.0) + [0.0] * 8
    assert check_steps(["turn_right"], track(yaw), times(len(yaw)), mirrored=True)[0].detected
    assert not check_steps(["turn_right"], track(yaw), times(len(yaw)))[0].detected


def test_small_turn_is_not_enough() -> None:
    yaw = [0.0] * 8 + turn(8.0) + [0.0] * 8
    result = check_steps(["turn_left"], track(yaw), times(len(yaw)))[0]
    assert not result.detected
    assert "8.00 < 15.00" in result.reason


def test_blink_needs_open_closed_open() -> None:
    blink = [0.05] * 10 + [0.3, 0.7, 0.6, 0.2] + [0.05] * 10
    result = check_steps(["blink"], track([0.0] * len(blink), blink), times(len(blink)))[0]
    assert result.detected
    assert result.value == pytest.approx(0.7)
    closed = [0.05] * 5 + [0.7] * 30  # eyes shut and never reopened
    result = check_steps(["blink"], track([0.0] * 35, closed), times(35))[0]
    assert not result.detected


def test_two_blinks_need_two_events() -> None:
    blink = [0.05] * 8 + [0.7, 0.7] + [0.05] * 15
    result = check_steps(["blink", "blink"], track([0.0] * len(blink), blink), times(len(blink)))
    assert [r.detected for r in result] == [True, False]
    assert "wrong order" not in result[1].reason


def test_steps_too_close_are_too_fast() -> None:
    # A turn and a blink 67 ms apart: no person does that; an edited clip can.
    yaw = [0.0] * 8 + [30.0, 30.0] + [0.0] * 10
    blink = [0.05] * 10 + [0.7] + [0.05] * 9
    results = check_steps(["turn_left", "blink"], track(yaw, blink), times(len(yaw)))
    assert results[0].detected
    assert not results[1].detected
    assert "too fast" in results[1].reason


def test_a_wink_is_not_a_blink() -> None:
    assert blink_score(0.9, 0.1) == pytest.approx(0.1)
    assert blink_score(0.7, 0.6) == pytest.approx(0.65)


def test_unknown_steps_are_refused() -> None:
    with pytest.raises(ChallengeInvalid):
        validate_steps(["blink", "jump"])
    with pytest.raises(ChallengeInvalid):
        validate_steps([])
