"""Public identifiers: a short type prefix and 26 time-ordered Crockford base32 characters."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """``prefix_`` + 48 bits of milliseconds + 80 random bits: sortable and unguessable."""
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | secrets.randbits(80)
    return f"{prefix}_{_base32(value, 26)}"
