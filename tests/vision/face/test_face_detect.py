"""Detection, landmarks, quality and the multi-face policy on real photographs."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from face_images import rescale

from openkyc.vision.face import DlibFaceEngine, MultipleFaces, NoFaceFound


def test_astronaut_face_is_found_frontal_and_sharp(
    engine: DlibFaceEngine, astronaut: np.ndarray
) -> None:
    analysis = engine.analyze(astronaut)
    assert len(analysis.faces) == 1
    assert analysis.used_index == 0
    assert analysis.reason == "the only face found"
    face = analysis.faces[0]
    # The face sits in the upper middle of the 512x512 picture.
    assert 150 < face.box.x < 200
    assert 60 < face.box.y < 110
    assert 70 < face.box.width < 110
    assert len(face.landmarks) == 5
    quality = face.quality
    assert abs(quality.yaw_deg) < 15
    assert abs(quality.pitch_deg) < 15
    assert abs(quality.roll_deg) < 10
    assert quality.eyes_visible
    assert quality.occlusion_hint is None
    assert quality.sharpness > 50
    assert 0.2 < quality.brightness < 0.8
    assert face.embedding is not None
    assert face.embedding.shape == (128,)
    assert face.embedding.dtype == np.float32


def test_roll_estimate_follows_a_rotation(engine: DlibFaceEngine, astronaut: np.ndarray) -> None:
    import cv2

    matrix = cv2.getRotationMatrix2D((222, 126), 20, 1.0)  # counter-clockwise about the face
    turned = cv2.warpAffine(astronaut, matrix, (512, 512), borderMode=cv2.BORDER_REFLECT)
    upright = engine.analyze(astronaut, embed=False).faces[0].quality.roll_deg
    rolled = engine.analyze(turned, embed=False).faces[0].quality.roll_deg
    assert abs(abs(rolled - upright) - 20) < 6


def test_no_face_in_a_cup_of_coffee(engine: DlibFaceEngine) -> None:
    with pytest.raises(NoFaceFound) as caught:
        engine.analyze(skimage.data.coffee())
    assert caught.value.code == "NO_FACE_FOUND"
    assert caught.value.image is None


def test_two_astronauts_largest_policy_uses_the_bigger_one(
    engine: DlibFaceEngine, astronaut: np.ndarray
) -> None:
    # Faces of ~87 and ~113 px side by side, 600 px wide: no downscaling before HOG.
    larger = rescale(astronaut, 1.3)[:512, 140:440]
    analysis = engine.analyze(np.hstack([astronaut[:, 70:370], larger]), policy="largest")
    assert len(analysis.faces) == 2
    assert analysis.used is not None
    assert analysis.used.box.x > 300  # the enlarged copy is the right half
    assert analysis.used.box.width > analysis.faces[1].box.width
    assert analysis.reason == "largest of 2 faces"
    assert analysis.faces[1].embedding is None  # only the used face pays for an embedding


def test_two_astronauts_reject_and_ask_policies(
    engine: DlibFaceEngine, astronaut: np.ndarray
) -> None:
    pair = np.hstack([astronaut[:, 60:380], astronaut[:, 380:60:-1]])
    with pytest.raises(MultipleFaces) as caught:
        engine.analyze(pair, policy="reject")
    assert caught.value.code == "MULTIPLE_FACES"
    assert len(caught.value.boxes) == 2
    asked = engine.analyze(pair, policy="ask")
    assert asked.used_index is None
    assert len(asked.faces) == 2
    assert "caller must say" in asked.reason


def test_grey_image_is_analysed(engine: DlibFaceEngine, astronaut: np.ndarray) -> None:
    grey = astronaut.mean(axis=2).astype(np.uint8)
    assert len(engine.analyze(grey, embed=False).faces) == 1


def test_large_jpeg_reports_pixels_of_the_image_as_given(
    engine: DlibFaceEngine, astronaut: np.ndarray
) -> None:
    from face_images import jpeg

    big = rescale(astronaut, 5.0)  # 2560 px: decoded at half size, reported at full size
    analysis = engine.analyze(jpeg(big, quality=80), embed=False)
    assert (analysis.image_width, analysis.image_height) == (2560, 2560)
    small = engine.analyze(astronaut, embed=False).faces[0]
    face = analysis.faces[0]
    assert face.box.x == pytest.approx(small.box.x * 5, rel=0.1)
    assert face.quality.face_width_px == pytest.approx(small.quality.face_width_px * 5, rel=0.1)
    assert face.landmarks[4][1] == pytest.approx(small.landmarks[4][1] * 5, rel=0.05)
