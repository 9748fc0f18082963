"""Credential encryption with rotation, and API keys stored as hashes."""

from __future__ import annotations

import pytest

from orderbridge.security import (
    CredentialCipher,
    DecryptionError,
    api_key_hint,
    constant_time_equals,
    hash_api_key,
    new_api_key,
)


def test_credentials_round_trip_and_are_not_plain_text() -> None:
    cipher = CredentialCipher("k1")
    token = cipher.encrypt({"token": "687409:4164553abf6a031302898da7800b59fb"})
    assert "4164553abf" not in token
    assert cipher.decrypt(token) == {"token": "687409:4164553abf6a031302898da7800b59fb"}


def test_rotation_keeps_old_secrets_readable_and_rewrites_them() -> None:
    old = CredentialCipher("k1")
    token = old.encrypt({"secret": "s"})
    rotating = CredentialCipher("k2", old_keys=["k1"])
    assert rotating.decrypt(token) == {"secret": "s"}
    rotated = rotating.rotate(token)
    assert CredentialCipher("k2").decrypt(rotated) == {"secret": "s"}
    with pytest.raises(DecryptionError):
        CredentialCipher("k2").decrypt(token)


def test_a_wrong_key_cannot_decrypt() -> None:
    token = CredentialCipher("k1").encrypt({"a": 1})
    with pytest.raises(DecryptionError):
        CredentialCipher("other").decrypt(token)


def test_empty_secret_key_is_refused() -> None:
    with pytest.raises(ValueError, match="secret key"):
        CredentialCipher("")


def test_api_keys_are_random_hashed_and_hinted() -> None:
    a, b = new_api_key(), new_api_key()
    assert a != b and a.startswith("ob_") and len(a) > 40
    assert hash_api_key(a) == hash_api_key(a) != hash_api_key(b)
    assert a not in hash_api_key(a)
    assert api_key_hint(a) == a[:9] + "…"


def test_constant_time_equals() -> None:
    assert constant_time_equals("abc", "abc")
    assert not constant_time_equals("abc", "abd")
    assert constant_time_equals(b"x", "x")
