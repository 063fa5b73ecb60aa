"""Image intake: every image a tenant sends passes here before anything is stored.

Checks, in order: size, magic bytes (JPEG, PNG, WebP), the container's own structure read to
its end marker (so trailing data such as a script glued after the image, a "polyglot", is
refused), pixel count before decoding (decompression bombs), then a full decode. The result is
the image with EXIF orientation applied and every metadata block removed: JPEGs already upright
are stripped losslessly (segments dropped, pixels untouched); others are re-encoded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from openkyc.kit.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from openkyc.kit.image_containers import (
    ContainerError,
    TrailingData,
    jpeg_strip,
    png_end,
    webp_end,
)

JPEG_QUALITY = 95  # re-encoding quality when a JPEG must be rotated: visually lossless
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    min_side: int = 16


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    format: str
    width: int
    height: int


def sniff_format(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _describe(data: bytes) -> str:
    known = {
        b"%PDF": "a PDF",
        b"GIF8": "a GIF",
        b"PK\x03\x04": "a ZIP archive",
        b"II*\x00": "a TIFF",
        b"MM\x00*": "a TIFF",
        b"<": "text/markup",
        b"{": "JSON text",
        b"#!": "a script",
    }
    for magic, name in known.items():
        if data.startswith(magic):
            return name
    return "not a JPEG, PNG or WebP image"


def _check_structure(data: bytes, fmt: str, field: str) -> bytes | None:
    """Walk the container; returns the losslessly stripped JPEG when it can be made."""
    try:
        if fmt == "JPEG":
            return jpeg_strip(data)
        end = png_end(data) if fmt == "PNG" else webp_end(data)
        if end != len(data):
            raise TrailingData(len(data) - end, fmt)
    except TrailingData as exc:
        raise Unprocessable(
            f"{field}: {exc}; files with data after the image (polyglots) are refused",
            code="MEDIA_TRAILING_DATA",
            details={"field": field, "trailing_bytes": exc.count},
        ) from exc
    except ContainerError as exc:
        raise Unprocessable(
            f"{field} is damaged: {exc}", code="MEDIA_CORRUPT", details={"field": field}
        ) from exc
    return None


def clean_image(data: bytes, limits: ImageLimits, *, field: str = "image") -> CleanImage:
    """Validate ``data`` and return it upright and without metadata, or raise a 4xx error."""
    where = {"field": field}
    if not data:
        raise Unprocessable(f"{field} is empty", code="MEDIA_EMPTY", details=where)
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(
            f"{field} is {len(data)} bytes; the limit is {limits.max_bytes}",
            code="MEDIA_TOO_LARGE",
            details={**where, "limit_bytes": limits.max_bytes},
        )
    fmt = sniff_format(data)
    if fmt is None:
        raise UnsupportedMediaType(
            f"{field} is {_describe(data)}; send a JPEG, PNG or WebP image",
            code="MEDIA_UNSUPPORTED_TYPE",
            details=where,
        )
    stripped = _check_structure(data, fmt, field)
    image = _decode(data, fmt, limits, field)
    orientation = image.getexif().get(0x0112, 1)
    if stripped is not None and orientation in (None, 1):
        return CleanImage(stripped, CONTENT_TYPES[fmt], fmt, image.width, image.height)
    return _reencode(image, fmt)


def _decode(data: bytes, fmt: str, limits: ImageLimits, field: str) -> Image.Image:
    where = {"field": field}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = image.size
            if width * height > limits.max_pixels:
                raise Unprocessable(
                    f"{field} is {width}x{height} = {width * height / 1e6:.1f} megapixels; "
                    f"the limit is {limits.max_pixels / 1e6:.0f}",
                    code="MEDIA_TOO_MANY_PIXELS",
                    details={**where, "width": width, "height": height},
                )
            if getattr(image, "n_frames", 1) > 1:
                raise Unprocessable(
                    f"{field} is animated; send a single still image",
                    code="MEDIA_ANIMATED",
                    details=where,
                )
            image.load()
    except Unprocessable:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise Unprocessable(
            f"{field} could not be decoded as {fmt}: {exc}", code="MEDIA_CORRUPT", details=where
        ) from exc
    if min(width, height) < limits.min_side:
        raise Unprocessable(
            f"{field} is {width}x{height}; each side must be at least {limits.min_side} px",
            code="MEDIA_TOO_SMALL",
            details=where,
        )
    return image


def _reencode(image: Image.Image, fmt: str) -> CleanImage:
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    buffer = io.BytesIO()
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif fmt == "WEBP":
        options.update(quality=JPEG_QUALITY, method=4)
    upright.save(buffer, format=fmt, **options)
    return CleanImage(buffer.getvalue(), CONTENT_TYPES[fmt], fmt, upright.width, upright.height)


def clean_base64_image(text: str, field: str, limits: ImageLimits) -> bytes:
    """A base64 field of the API (size checked before decoding) cleaned like any upload."""
    from openkyc.kit.base64data import decode_base64_field

    return clean_image(decode_base64_field(text, field, limits.max_bytes), limits, field=field).data
