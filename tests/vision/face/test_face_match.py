"""1:1 match with real models: genuine pairs made from one photo, an impostor, failures."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from face_images import jpeg, rescale, rotate

from openkyc.vision.face import (
    FaceTooBlurred,
    FaceTooSmall,
    ImageUnreadable,
    MultipleFaces,
    NoFaceFound,
    match,
    threshold_for_fmr,
)


def test_rescaled_rotated_compressed_copy_matches(astronaut: np.ndarray) -> None:
    document_like = jpeg(rotate(rescale(astronaut, 0.6), 8), quality=35)
    result = match(jpeg(astronaut), document_like)
    assert result.match
    assert result.similarity >= result.threshold
    assert result.threshold == pytest.approx(threshold_for_fmr(0.001), abs=1e-4)
    assert result.distance < result.distance_threshold
    assert result.reasons[0].startswith(f"similarity {result.similarity:.2f} >= threshold")
    assert result.embedding_a is not None
    assert result.embedding_a.shape == (128,)


def test_crop_of_the_face_matches(astronaut: np.ndarray) -> None:
    assert match(astronaut, astronaut[20:260, 120:330]).match


def test_a_different_person_does_not_match(astronaut: np.ndarray, hopper: np.ndarray) -> None:
    result = match(astronaut, hopper)
    assert not result.match
    assert result.similarity < result.threshold
    assert "<" in result.reasons[0]
    assert 0.0 <= result.similarity <= 1.0


def test_tenant_threshold_is_used_and_reported(astronaut: np.ndarray, hopper: np.ndarray) -> None:
    default = match(astronaut, hopper)
    lenient = match(astronaut, hopper, threshold=default.similarity / 2)
    assert lenient.threshold == pytest.approx(default.similarity / 2, abs=1e-4)
    assert lenient.match  # the same faces, decided by the caller's threshold
    assert lenient.estimated_fmr > default.estimated_fmr
    with pytest.raises(ValueError, match="threshold"):
        match(astronaut, astronaut, threshold=1.5)


def test_no_face_names_the_image(astronaut: np.ndarray) -> None:
    with pytest.raises(NoFaceFound) as caught:
        match(astronaut, skimage.data.coffee())
    assert caught.value.image == "b"
    assert str(caught.value).startswith("image b:")


def test_corrupt_bytes_name_the_image(astronaut: np.ndarray) -> None:
    with pytest.raises(ImageUnreadable) as caught:
        match(b"\x89PNG\r\n\x1a\n garbage", astronaut)
    assert caught.value.image == "a"
    assert caught.value.code == "IMAGE_UNREADABLE"


def test_tiny_face_is_too_small(astronaut: np.ndarray) -> None:
    tiny = rescale(astronaut, 0.33)  # face ~29 px wide: found, but below the 40 px gate
    with pytest.raises((FaceTooSmall, NoFaceFound)) as caught:
        match(astronaut, tiny)
    assert caught.value.image == "b"
    assert caught.value.code == "FACE_TOO_SMALL"


def test_blurred_face_is_refused(astronaut: np.ndarray) -> None:
    import cv2

    smeared = cv2.GaussianBlur(astronaut, (0, 0), 4.0)
    with pytest.raises((FaceTooBlurred, NoFaceFound)) as caught:
        match(smeared, astronaut)
    assert caught.value.image == "a"


def test_multiple_faces_under_reject_policy(astronaut: np.ndarray) -> None:
    pair = np.hstack([astronaut[:, 60:380], astronaut[:, 380:60:-1]])
    assert match(pair, astronaut, policy="largest").match
    with pytest.raises(MultipleFaces) as caught:
        match(astronaut, pair, policy="reject")
    assert caught.value.image == "b"
    with pytest.raises(MultipleFaces):
        match(pair, astronaut, policy="ask")


def test_close_calls_are_rescored_with_jitters(astronaut: np.ndarray) -> None:
    from openkyc.vision.face import DlibFaceEngine, EmbeddingConfig, EngineConfig

    # A margin wider than any distance makes every pair a close call.
    always = DlibFaceEngine(EngineConfig(embedding=EmbeddingConfig(close_call_margin=10.0)))
    result = match(astronaut, rescale(astronaut, 0.7), engine=always)
    assert result.match
    assert result.reasons[-1].startswith("close call: distance")
    plain = match(astronaut, rescale(astronaut, 0.7))
    assert not any(r.startswith("close call") for r in plain.reasons)
