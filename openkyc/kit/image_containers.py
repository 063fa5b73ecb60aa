"""Byte-level walkers for JPEG, PNG and WebP containers.

They find where an image really ends (anything after is trailing data) and, for JPEG, rebuild
the file without metadata segments while leaving the compressed pixels untouched.
"""

from __future__ import annotations

import struct

# JPEG segments kept when stripping: JFIF (APP0), ICC profiles (APP2 "ICC_PROFILE") and Adobe
# (APP14, needed to decode CMYK/YCCK colours). EXIF, XMP, IPTC, comments and the rest go.
_KEEP_APP = {0xE0: b"JFIF", 0xE2: b"ICC_PROFILE", 0xEE: b"Adobe"}
_STANDALONE = set(range(0xD0, 0xD8)) | {0x01}


class ContainerError(ValueError):
    """The bytes do not form a complete image container."""


class TrailingData(ContainerError):
    """The image is complete but more bytes follow it (a polyglot or a damaged upload)."""

    def __init__(self, count: int, fmt: str) -> None:
        super().__init__(f"{count} bytes follow the end of the {fmt} image")
        self.count = count


def _keep_segment(marker: int, payload: bytes) -> bool:
    if marker == 0xFE:  # comment
        return False
    if 0xE0 <= marker <= 0xEF:
        prefix = _KEEP_APP.get(marker)
        return prefix is not None and payload.startswith(prefix)
    return True


def _scan_entropy(data: bytes, start: int) -> int:
    """Index of the marker that ends the entropy-coded data beginning at ``start``."""
    i = start
    while True:
        j = data.find(b"\xff", i)
        if j < 0 or j + 1 >= len(data):
            raise ContainerError("JPEG scan data is truncated (no end-of-image marker)")
        following = data[j + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            i = j + 2  # stuffed byte or restart marker: still inside the scan
        elif following == 0xFF:
            i = j + 1  # fill byte before a marker
        else:
            return j


def jpeg_strip(data: bytes) -> bytes:
    """Walk a JPEG to its end-of-image marker, refusing trailing data, dropping metadata."""
    out, i, n = bytearray(b"\xff\xd8"), 2, len(data)
    while True:
        if i >= n or data[i] != 0xFF:
            raise ContainerError(f"JPEG marker expected at byte {i}")
        while i < n and data[i] == 0xFF:
            i += 1
        if i >= n:
            raise ContainerError("JPEG is truncated")
        marker, i = data[i], i + 1
        if marker == 0xD9:
            break
        if marker in _STANDALONE:
            out += bytes((0xFF, marker))
            continue
        if i + 2 > n:
            raise ContainerError("JPEG segment header is truncated")
        length = struct.unpack(">H", data[i : i + 2])[0]
        if length < 2 or i + length > n:
            raise ContainerError("JPEG segment runs past the end of the file")
        payload, segment_end = data[i + 2 : i + length], i + length
        if _keep_segment(marker, payload):
            out += bytes((0xFF, marker)) + data[i:segment_end]
        i = segment_end
        if marker == 0xDA:
            scan_end = _scan_entropy(data, i)
            out += data[i:scan_end]
            i = scan_end
    _check_jpeg_trailer(data[i:])
    out += b"\xff\xd9"
    return bytes(out)


def _check_jpeg_trailer(rest: bytes) -> None:
    """Phones append preview JPEGs after the main one (CIPA multi-picture format): those are
    walked and dropped; zero padding is tolerated; anything else is trailing data."""
    while rest.startswith(b"\xff\xd8\xff"):
        try:
            jpeg_strip(rest)
            return
        except TrailingData as exc:
            rest = rest[len(rest) - exc.count :]
    if rest.strip(b"\x00") and rest:
        raise TrailingData(len(rest), "JPEG")


def png_end(data: bytes) -> int:
    i, n = 8, len(data)
    while True:
        if i + 8 > n:
            raise ContainerError("PNG is truncated (no IEND chunk)")
        length, kind = struct.unpack(">I4s", data[i : i + 8])
        length = int(length)
        i += 12 + length
        if i > n:
            raise ContainerError(f"PNG chunk {kind!r} runs past the end of the file")
        if kind == b"IEND":
            return i


def webp_end(data: bytes) -> int:
    if len(data) < 12:
        raise ContainerError("WebP header is truncated")
    size = int(struct.unpack("<I", data[4:8])[0])
    end = 8 + size + (size & 1)
    if end > len(data) + (size & 1):
        raise ContainerError("WebP is truncated")
    return min(end, len(data))
