"""Base64 fields of the API: size checked before decoding, strict alphabet, data-URL prefix."""

from __future__ import annotations

import base64
import binascii
import re

from openkyc.kit.errors import PayloadTooLarge, Unprocessable

_DATA_URL = re.compile(r"^data:[\w.+-]+/[\w.+-]+;base64,", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


def decode_base64_field(text: str, field: str, max_bytes: int) -> bytes:
    cleaned = _WHITESPACE.sub("", _DATA_URL.sub("", text, count=1))
    if len(cleaned) * 3 // 4 > max_bytes + 3:
        raise PayloadTooLarge(
            f"{field} decodes to more than {max_bytes} bytes",
            code="MEDIA_TOO_LARGE",
            details={"field": field, "limit_bytes": max_bytes},
        )
    cleaned = cleaned.replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Unprocessable(
            f"{field} is not valid base64", code="MEDIA_BASE64_INVALID", details={"field": field}
        ) from exc
