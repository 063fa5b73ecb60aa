from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from openkyc.kit.errors import OpenKYCError
from openkyc.kit.image_intake import ImageLimits, clean_image
from tests.images import astronaut, huge_png, pixels

LIMITS = ImageLimits()
ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def _refused(data: bytes, limits: ImageLimits = LIMITS) -> OpenKYCError:
    with pytest.raises(OpenKYCError) as caught:
        clean_image(data, limits)
    return caught.value


def test_upright_jpeg_is_stripped_losslessly() -> None:
    original = astronaut("JPEG", exif={MAKE: "Canon", 0x010E: "Jane Doe passport"})
    clean = clean_image(original, LIMITS)
    assert clean.content_type == "image/jpeg"
    assert b"Canon" not in clean.data
    assert b"Jane Doe" not in clean.data
    assert np.array_equal(pixels(clean.data), pixels(original))  # pixels untouched


def test_exif_orientation_is_applied_then_removed() -> None:
    original = astronaut("JPEG", exif={ORIENTATION: 6, MAKE: "Canon"}, size=(400, 300))
    clean = clean_image(original, LIMITS)
    assert (clean.width, clean.height) == (300, 400)
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.size == (300, 400)
    assert not stored.getexif()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_without_metadata(fmt: str) -> None:
    clean = clean_image(astronaut(fmt, exif={MAKE: "Canon"} if fmt == "WEBP" else None), LIMITS)
    assert clean.format == fmt
    assert b"Canon" not in clean.data


def test_phone_multi_picture_trailer_is_dropped() -> None:
    main, preview = astronaut("JPEG"), astronaut("JPEG", size=(64, 64))
    clean = clean_image(main + preview, LIMITS)
    assert len(clean.data) <= len(main)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_polyglot_is_refused(fmt: str) -> None:
    error = _refused(astronaut(fmt) + b"<script>alert(1)</script>")
    assert (error.status, error.code) == (422, "MEDIA_TRAILING_DATA")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_is_refused(fmt: str) -> None:
    data = astronaut(fmt)
    error = _refused(data[: len(data) * 2 // 3])
    assert (error.status, error.code) == (422, "MEDIA_CORRUPT")


def test_zero_bytes_non_image_and_oversized() -> None:
    assert _refused(b"").code == "MEDIA_EMPTY"
    not_image = _refused(b"%PDF-1.7 ...")
    assert (not_image.status, not_image.code) == (415, "MEDIA_UNSUPPORTED_TYPE")
    assert "PDF" in not_image.message
    big = _refused(astronaut("PNG"), ImageLimits(max_bytes=1000))
    assert (big.status, big.code) == (413, "MEDIA_TOO_LARGE")


def test_fifty_megapixels_is_refused_before_decoding() -> None:
    error = _refused(huge_png())
    assert (error.status, error.code) == (422, "MEDIA_TOO_MANY_PIXELS")
    assert "50.0 megapixels" in error.message


def test_tiny_image_is_refused() -> None:
    assert _refused(astronaut("PNG", size=(8, 8))).code == "MEDIA_TOO_SMALL"


def test_header_of_one_format_with_body_of_another() -> None:
    forged = b"\xff\xd8\xff\xe0" + astronaut("PNG")[4:]
    assert _refused(forged).code == "MEDIA_CORRUPT"
