"""Bona fide passes on real recordings (shared development data, never in the repo).

Skipped with a reason when OPENKYC_DATA (default ../shared/data) is absent. Each clip is cut
to a window around its labelled events and re-encoded, as the benchmark does.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from liveness_media_helpers import encode

from openkyc.vision.liveness import MediaLimits, decode_video, verify_video

DATA = Path(os.environ.get("OPENKYC_DATA", Path(__file__).resolve().parents[3] / "../shared/data"))
VIDEOS = DATA / "liveness" / "videos"

pytestmark = pytest.mark.skipif(
    not VIDEOS.is_dir(), reason=f"shared liveness clips not found under {VIDEOS} (OPENKYC_DATA)"
)


def window(clip: str, start_s: float, end_s: float) -> bytes:
    limits = MediaLimits(max_seconds=30.0, max_frames=2000, max_analysis_fps=120.0)
    media = decode_video((VIDEOS / f"{clip}.mp4").read_bytes(), limits)
    fps = 1000.0 / float(np.median(np.diff(media.timestamps_ms)))
    frames = [
        f
        for f, t in zip(media.frames, media.timestamps_ms, strict=True)
        if start_s * 1000 <= t < end_s * 1000
    ]
    return encode(frames, fps=fps)  # the source's own rate keeps event times


def test_real_blink_passes() -> None:
    result = verify_video(window("live_02_blinks_closeup", 0.0, 3.0), ["blink"])
    assert result.is_live, result.reasons
    assert result.spoof_type == "none"
    assert result.steps[0].at_ms == pytest.approx(1680, abs=200)  # labelled 1.68-1.92 s


def test_real_head_turns_pass_in_order_and_fail_out_of_order() -> None:
    clip = window("live_04_selfie_turn_right_left_down_up", 1.0, 10.5)
    result = verify_video(clip, ["turn_left", "turn_right"])
    assert result.is_live, result.reasons
    assert result.best_frame is not None
    assert result.best_frame.embedding is not None
    reverse = verify_video(clip, ["turn_right", "turn_left"])
    assert not reverse.is_live
    assert "wrong order" in reverse.steps[1].reason


def test_a_person_who_does_not_blink_is_not_passed() -> None:
    result = verify_video(window("live_12_no_blink_gaze_shift", 0.0, 5.0), ["blink"])
    assert not result.is_live
    assert not result.steps[0].detected
