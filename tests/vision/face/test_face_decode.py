"""Input normalisation: everything the engine gets is RGB uint8 or an ImageUnreadable."""

from __future__ import annotations

import numpy as np
import pytest
from face_images import jpeg

from openkyc.vision.face import ImageUnreadable
from openkyc.vision.face.decode import to_rgb


def test_jpeg_bytes_decode_to_rgb(astronaut: np.ndarray) -> None:
    rgb = to_rgb(jpeg(astronaut))
    assert rgb.shape == astronaut.shape
    assert rgb.dtype == np.uint8
    assert np.abs(rgb.astype(int) - astronaut).mean() < 6


def test_grey_rgba_and_float_arrays_become_rgb(astronaut: np.ndarray) -> None:
    grey = astronaut.mean(axis=2).astype(np.uint8)
    assert to_rgb(grey).shape == (*grey.shape, 3)
    rgba = np.dstack([astronaut, np.full(grey.shape, 255, np.uint8)])
    assert np.array_equal(to_rgb(rgba), astronaut)
    assert np.array_equal(to_rgb(astronaut / 255.0), astronaut)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 64],
    ids=["empty", "text", "jpeg-header-only"],
)
def test_corrupt_bytes_are_unreadable(data: bytes) -> None:
    with pytest.raises(ImageUnreadable) as caught:
        to_rgb(data)
    assert caught.value.code == "IMAGE_UNREADABLE"


def test_truncated_jpeg_is_unreadable(astronaut: np.ndarray) -> None:
    data = jpeg(astronaut)
    with pytest.raises(ImageUnreadable):
        to_rgb(data[: len(data) // 3])


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((64, 64, 2), np.uint8),
        np.zeros((4, 64, 64, 3), np.uint8),
        np.full((64, 64, 3), np.nan),
        np.zeros((10, 10, 3), np.uint8),
    ],
    ids=["empty", "two-channels", "four-dims", "nan", "tiny"],
)
def test_bad_arrays_are_unreadable(array: np.ndarray) -> None:
    with pytest.raises(ImageUnreadable):
        to_rgb(array)
