"""The request-signing scheme of the API, shared by the server and the client helper.

``X-API-SIGN = hex(hmac_sha256(secret, timestamp + "\\n" + METHOD + "\\n" + path + "\\n" +
sha256_hex(body)))``, exactly as the kyc-api-service contract says. Two extensions keep clients
that poll quickly from being taken for replays:

- ``X-API-TIMESTAMP`` may be Unix seconds (10 digits) or milliseconds (13 digits);
- an optional ``X-API-NONCE`` (1-128 characters of ``[A-Za-z0-9_-]``) is appended to the signed
  string after the body hash (``... + "\\n" + nonce``) when the header is sent.

``path`` is the request path as sent, including ``?query`` when there is one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
MILLISECOND_DIGITS = 13


def string_to_sign(
    timestamp: str, method: str, path: str, body: bytes, nonce: str | None = None
) -> str:
    parts = [timestamp, method.upper(), path, hashlib.sha256(body).hexdigest()]
    if nonce is not None:
        parts.append(nonce)
    return "\n".join(parts)


def signature(
    secret: str, timestamp: str, method: str, path: str, body: bytes, nonce: str | None = None
) -> str:
    message = string_to_sign(timestamp, method, path, body, nonce).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def parse_timestamp(text: str) -> float | None:
    """Seconds since the epoch from a seconds or milliseconds header, or None if malformed."""
    if not text.isascii() or not text.isdigit() or len(text) > 16:
        return None
    value = int(text)
    return value / 1000.0 if len(text) >= MILLISECOND_DIGITS else float(value)


def signed_headers(
    key_id: str,
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    milliseconds: bool = True,
    nonce: bool = True,
) -> dict[str, str]:
    """Headers for one signed request; by default millisecond timestamps and a fresh nonce."""
    now = time.time()
    timestamp = str(int(now * 1000)) if milliseconds else str(int(now))
    nonce_value = secrets.token_urlsafe(16) if nonce else None
    headers = {
        "X-API-KEY": key_id,
        "X-API-TIMESTAMP": timestamp,
        "X-API-SIGN": signature(secret, timestamp, method, path, body, nonce_value),
    }
    if nonce_value is not None:
        headers["X-API-NONCE"] = nonce_value
    return headers
