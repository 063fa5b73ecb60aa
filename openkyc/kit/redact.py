"""Redaction of personal data and binary blobs before anything is logged or audited.

Keys that name personal data are replaced whatever their value; long base64-looking strings
(images, videos) are replaced anywhere; e-mail addresses inside free text are masked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PII_KEYS = frozenset(
    {
        "name",
        "surname",
        "given_names",
        "first_name",
        "last_name",
        "full_name",
        "document_number",
        "personal_number",
        "birth_date",
        "date_of_birth",
        "dob",
        "email",
        "phone",
        "address",
        "birth_place",
        "father_name",
        "mrz",
        "mrz_lines",
        "api_key_secret",
        "secret",
        "password",
        "token",
        "authorization",
        "x-api-sign",
        "master_key",
        "image",
        "video",
        "face_crop_base64",
        "embedding",
    }
)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=_-]{120,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MAX_DEPTH = 6


def _is_pii_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in PII_KEYS or lowered.endswith(("_base64", "_secret", "_password"))


def redact_text(text: str) -> str:
    text = _BASE64_RUN.sub(lambda m: f"[blob redacted: {len(m.group())} chars]", text)
    return _EMAIL.sub("[email redacted]", text)


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with personal data and blobs replaced by markers."""
    if depth > MAX_DEPTH:
        return "[nested too deep]"
    if isinstance(value, Mapping):
        return {
            key: "[redacted]"
            if isinstance(key, str) and _is_pii_key(key)
            else redact(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item, depth + 1) for item in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return f"[bytes redacted: {len(value)}]"
    if isinstance(value, str):
        return redact_text(value)
    return value
