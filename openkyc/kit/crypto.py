"""Envelope encryption (AES-256-GCM), blind indexes and key material.

Layout of a sealed blob: ``b"K1" | nonce (12 bytes) | ciphertext + tag``. The associated data
binds a ciphertext to its context (tenant, object id, purpose), so a blob copied to another row
or tenant fails to open. Data keys are random 32-byte keys per tenant, wrapped by the master key
with the tenant id as associated data; blind indexes are HMAC-SHA256 under a key derived from the
tenant's data key with HKDF, so equal values can be found without decrypting anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
_FORMAT = b"K1"


class DecryptionFailed(Exception):
    """A blob did not authenticate: wrong key, wrong context, or tampered bytes."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    """Parse a base64 (standard or url-safe) 32-byte key; raises ValueError otherwise."""
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        key = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    except (ValueError, TypeError) as exc:
        raise ValueError("key is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise ValueError(f"key must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return _FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def open_sealed(key: bytes, blob: bytes, context: bytes) -> bytes:
    if blob[:2] != _FORMAT or len(blob) < 2 + NONCE_BYTES + 16:
        raise DecryptionFailed("unknown ciphertext format")
    nonce = blob[2 : 2 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[2 + NONCE_BYTES :], context)
    except InvalidTag as exc:
        raise DecryptionFailed("ciphertext did not authenticate") from exc


def wrap_data_key(master_key: bytes, data_key: bytes, owner: str) -> bytes:
    return seal(master_key, data_key, b"data-key:" + owner.encode())


def unwrap_data_key(master_key: bytes, wrapped: bytes, owner: str) -> bytes:
    return open_sealed(master_key, wrapped, b"data-key:" + owner.encode())


def derive_key(data_key: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose (blind index, ...), so no key is used for two jobs."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode())
    return hkdf.derive(data_key)


def blind_index(index_key: bytes, field: str, normalized_value: str) -> str:
    """Deterministic HMAC of a normalised value, scoped to one field name."""
    message = field.encode() + b"\x00" + normalized_value.encode()
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Keyring:
    """The master key and the unwrapped data keys it has opened, cached for the process."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise ValueError("master key must be 32 bytes")
        self._master_key = master_key
        self._data_keys: dict[str, bytes] = {}

    def new_wrapped_data_key(self, owner: str) -> bytes:
        return wrap_data_key(self._master_key, new_key(), owner)

    def data_key(self, owner: str, wrapped: bytes) -> bytes:
        key = self._data_keys.get(owner)
        if key is None:
            key = unwrap_data_key(self._master_key, wrapped, owner)
            self._data_keys[owner] = key
        return key
