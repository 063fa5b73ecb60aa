from __future__ import annotations

import pytest

from openkyc.kit import crypto


def test_seal_round_trip_and_context_binding() -> None:
    key = crypto.new_key()
    sealed = crypto.seal(key, b"passport scan", b"media:ten_a:med_1")
    assert b"passport" not in sealed
    assert crypto.open_sealed(key, sealed, b"media:ten_a:med_1") == b"passport scan"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(key, sealed, b"media:ten_b:med_1")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(crypto.new_key(), sealed, b"media:ten_a:med_1")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(key, tampered, b"media:ten_a:med_1")


def test_each_seal_uses_a_fresh_nonce() -> None:
    key = crypto.new_key()
    assert crypto.seal(key, b"x", b"c") != crypto.seal(key, b"x", b"c")


def test_keyring_wraps_data_keys_per_tenant() -> None:
    ring = crypto.Keyring(crypto.new_key())
    wrapped = ring.new_wrapped_data_key("ten_a")
    key = ring.data_key("ten_a", wrapped)
    assert len(key) == 32
    other_ring = crypto.Keyring(crypto.new_key())
    with pytest.raises(crypto.DecryptionFailed):
        other_ring.data_key("ten_a", wrapped)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.Keyring(b"\x01" * 32).data_key("ten_b", wrapped)


def test_blind_index_is_deterministic_scoped_and_keyed() -> None:
    key_a, key_b = crypto.new_key(), crypto.new_key()
    value = crypto.blind_index(key_a, "document_number", "C01X00T47")
    assert value == crypto.blind_index(key_a, "document_number", "C01X00T47")
    assert value != crypto.blind_index(key_b, "document_number", "C01X00T47")
    assert value != crypto.blind_index(key_a, "phone", "C01X00T47")
    assert len(value) == 64


def test_key_encoding_round_trip_and_errors() -> None:
    key = crypto.new_key()
    assert crypto.decode_key(crypto.encode_key(key)) == key
    with pytest.raises(ValueError, match="32 bytes"):
        crypto.decode_key(crypto.encode_key(b"short"))
