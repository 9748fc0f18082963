"""``storage.decrypted``: decrypted secrets kept per cipher and token, handed out as copies."""

from __future__ import annotations

import pytest

from orderbridge.security import CredentialCipher, DecryptionError
from orderbridge.storage import decrypted


class CountingCipher(CredentialCipher):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.decrypted = 0

    def decrypt(self, token: str) -> dict[str, object]:
        self.decrypted += 1
        return super().decrypt(token)


def test_a_token_is_decrypted_once_and_handed_out_as_copies() -> None:
    cipher = CountingCipher("k1")
    token = cipher.encrypt({"token": "t", "scopes": ["a"]})
    first = decrypted.decrypt(cipher, "con_1", token)
    first["token"] = "changed"
    first["scopes"].append("b")
    assert decrypted.decrypt(cipher, "con_1", token) == {"token": "t", "scopes": ["a"]}
    assert cipher.decrypted == 1


def test_new_credentials_are_a_new_token_and_decrypted_at_once() -> None:
    cipher = CountingCipher("k1")
    decrypted.decrypt(cipher, "con_1", cipher.encrypt({"token": "old"}))
    assert decrypted.decrypt(cipher, "con_1", cipher.encrypt({"token": "new"})) == {"token": "new"}


def test_another_cipher_still_refuses_a_token_it_cannot_read() -> None:
    mine, theirs = CredentialCipher("k1"), CredentialCipher("k2")
    token = mine.encrypt({"token": "t"})
    assert decrypted.decrypt(mine, "con_1", token) == {"token": "t"}
    with pytest.raises(DecryptionError):
        decrypted.decrypt(theirs, "con_1", token)


def test_an_empty_token_is_no_credentials() -> None:
    assert decrypted.decrypt(CredentialCipher("k1"), "con_1", "") == {}


def test_the_cache_is_bounded() -> None:
    cipher = CountingCipher("k1")
    tokens = [cipher.encrypt({"n": n}) for n in range(decrypted.KEPT + 5)]
    for n, token in enumerate(tokens):
        assert decrypted.decrypt(cipher, f"con_{n}", token) == {"n": n}
    decrypted.forget(cipher)
    assert decrypted.decrypt(cipher, "con_0", tokens[0]) == {"n": 0}
    assert cipher.decrypted == len(tokens) + 1
