"""verify_video / verify_burst with the real landmark and embedding models on attacks built
from skimage.data.astronaut(): a photo held still, moved as a whole, looped, shuffled.
(No blink is ever synthesised from a still: bona fide passes are tested on real clips in
test_liveness_bona_fide.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from liveness_media_helpers import astronaut, encode, held_photo, jpeg, looped, shuffled

from openkyc.vision.liveness import (
    ChallengeInvalid,
    LivenessResult,
    face_landmarks,
    verify_burst,
    verify_video,
)


def test_landmarks_on_a_real_face() -> None:
    face = face_landmarks().observe(astronaut())
    assert face.found
    assert face.points is not None
    assert face.points.shape == (478, 2)
    assert abs(face.yaw) < 15
    assert face.smile > 0.6  # Eileen Collins smiles in the NASA portrait
    x0, y0, x1, y1 = face.box
    assert 150 < x0 < x1 < 300
    assert 50 < y0 < y1 < 250


def _assert_attack(result: LivenessResult) -> None:
    assert not result.is_live
    assert result.spoof_type != "none"
    assert result.reasons
    assert 0.0 <= result.live_score < 0.5


def test_still_photo_fails_every_step() -> None:
    result = verify_video(encode(held_photo(30, moved=False)), ["blink", "turn_left"])
    _assert_attack(result)
    assert [s.detected for s in result.steps] == [False, False]
    assert result.spoof_type == "paper"
    assert any("static image" in r for r in result.reasons)


def test_photo_moved_as_a_whole_cannot_turn_or_smile_on_request() -> None:
    result = verify_video(encode(held_photo(36, moved=True), fmt="webm"), ["turn_right", "smile"])
    _assert_attack(result)
    assert not any(s.detected for s in result.steps)
    assert result.steps[0].value < result.steps[0].threshold


def test_looped_clip_is_refused() -> None:
    frames = looped(held_photo(45, moved=True), times=3)
    result = verify_video(encode(frames), ["blink"])
    _assert_attack(result)
    assert result.temporal.loop_lag == 15
    assert any("loops" in r for r in result.reasons)


def test_shuffled_frames_are_refused() -> None:
    result = verify_video(encode(shuffled(held_photo(40, moved=True))), ["turn_left"])
    _assert_attack(result)
    assert any("not continuous" in r for r in result.reasons)


def test_result_carries_best_frame_and_embedding() -> None:
    result = verify_video(encode(held_photo(20, moved=True)), ["blink"])
    best = result.best_frame
    assert best is not None
    assert best.image.shape == (512, 512, 3)
    assert best.embedding is not None
    assert best.embedding.shape == (128,)
    assert best.quality.face_width_px > 80
    assert result.same_face_distance is not None
    assert result.same_face_distance < 0.3  # one and the same face throughout
    assert result.fingerprint.thumbs.shape[1:] == (32, 32)


def test_a_different_face_mid_clip_is_refused() -> None:
    photo = held_photo(20, moved=True)
    other = [np.ascontiguousarray(f[:, ::-1]) for f in photo]  # mirrored: same person...
    calls: list[int] = []

    def embedder(rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
        calls.append(1)  # ...but this embedder says each call is someone else
        return np.full(128, float(len(calls)), dtype=np.float32)

    result = verify_video(encode(photo[:10] + other[10:]), ["blink"], embedder=embedder)
    assert len(calls) == 2
    assert any("face changes" in r for r in result.reasons)


def test_frame_burst_of_a_still_is_refused() -> None:
    images = [jpeg(f) for f in held_photo(12, moved=False)]
    result = verify_burst(images, ["blink"], timestamps_ms=[i * 100.0 for i in range(12)])
    _assert_attack(result)


def test_invalid_steps_raise_before_decoding() -> None:
    with pytest.raises(ChallengeInvalid):
        verify_video(b"not even a video", ["fly"])
