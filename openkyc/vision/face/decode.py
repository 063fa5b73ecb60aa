"""Turn the caller's bytes or array into one contiguous RGB uint8 image."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from openkyc.vision.face.errors import ImageUnreadable
from openkyc.vision.face.types import RGBImage

__all__ = [
    "DECODE_MIN_SIDE",
    "MAX_PIXELS",
    "MIN_SIDE_PX",
    "Decoded",
    "ImageInput",
    "load",
    "to_rgb",
]

ImageInput = bytes | np.ndarray

#: Refuse pictures larger than this many pixels (a decompression bomb guard; 40 MP covers any
#: phone camera). The platform's media intake applies its own limit before this one.
MAX_PIXELS = 40_000_000
#: Anything smaller than this on either side cannot hold a usable face.
MIN_SIDE_PX = 24
#: JPEGs are decoded at a DCT-reduced scale (1/2, 1/4, 1/8) as long as both sides stay at
#: least this long: a 12 MP phone photo then decodes in ~45 ms instead of ~95 ms, and a face
#: filling a tenth of its width still spans > 120 px, more than the 150 px chip needs.
DECODE_MIN_SIDE = 1280


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded image and the size of the picture as given (larger if decoded reduced)."""

    rgb: RGBImage
    width: int
    height: int

    @property
    def scale(self) -> float:
        """Pixels of the picture as given per decoded pixel (>= 1)."""
        return float(self.width / self.rgb.shape[1])


def load(image: ImageInput) -> Decoded:
    """Like ``to_rgb`` but lets JPEG bytes decode reduced; see ``DECODE_MIN_SIDE``."""
    if not isinstance(image, bytes | bytearray):
        rgb = to_rgb(image)
        return Decoded(rgb, rgb.shape[1], rgb.shape[0])
    rgb, factor = _decode_bytes(bytes(image), reduce=True)
    _check_size(rgb)
    height, width = rgb.shape[:2]
    return Decoded(np.ascontiguousarray(rgb), round(width * factor), round(height * factor))


def to_rgb(image: ImageInput) -> RGBImage:
    """Decode bytes (JPEG/PNG/WebP/...) or normalise an array to HxWx3 RGB uint8.

    Arrays may be HxW grey, HxWx3 RGB or HxWx4 RGBA, uint8 or float in 0-1. Raises
    ImageUnreadable for anything else, for truncated or corrupt files and for absurd sizes.
    """
    if isinstance(image, bytes | bytearray):
        rgb = _decode_bytes(bytes(image), reduce=False)[0]
    else:
        rgb = _from_array(image)
    _check_size(rgb)
    return np.ascontiguousarray(rgb)


def _check_size(rgb: RGBImage) -> None:
    height, width = rgb.shape[:2]
    if min(height, width) < MIN_SIDE_PX:
        raise ImageUnreadable(f"image is {width}x{height} px, too small to hold a face")


def _decode_bytes(data: bytes, *, reduce: bool) -> tuple[RGBImage, float]:
    """Decoded upright RGB and the reduction factor (1.0 unless ``reduce`` shrank a JPEG)."""
    if not data:
        raise ImageUnreadable("image is empty")
    try:
        with warnings.catch_warnings():
            # PIL only warns between MAX_IMAGE_PIXELS and twice that; make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise ImageUnreadable(f"image has more than {MAX_PIXELS} pixels")
                full_width = opened.width
                if reduce:
                    opened.draft("RGB", (DECODE_MIN_SIDE, DECODE_MIN_SIDE))
                factor = full_width / opened.width
                upright = ImageOps.exif_transpose(opened)
                return np.asarray(upright.convert("RGB"), dtype=np.uint8), factor
    except ImageUnreadable:
        raise
    except Exception as exc:  # PIL raises many types for corrupt input; all mean "unreadable"
        raise ImageUnreadable(f"image cannot be decoded ({type(exc).__name__})") from exc


def _from_array(array: np.ndarray) -> RGBImage:
    if not isinstance(array, np.ndarray) or array.size == 0:
        raise ImageUnreadable("image is not a non-empty numpy array")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ImageUnreadable(f"array of shape {array.shape} is not an image")
    if array.shape[0] * array.shape[1] > MAX_PIXELS:
        raise ImageUnreadable(f"image has more than {MAX_PIXELS} pixels")
    if array.dtype != np.uint8:
        array = _to_uint8(array)
    if array.ndim == 2:
        return np.stack([array] * 3, axis=-1)
    return array[:, :, :3]


def _to_uint8(array: np.ndarray) -> RGBImage:
    if not np.issubdtype(array.dtype, np.number) or not np.all(np.isfinite(array)):
        raise ImageUnreadable("array holds non-numeric or non-finite values")
    scale = 255.0 if np.issubdtype(array.dtype, np.floating) and array.max() <= 1.0 else 1.0
    return np.clip(np.rint(array * scale), 0, 255).astype(np.uint8)
