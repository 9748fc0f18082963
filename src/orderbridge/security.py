"""Secrets at rest: credentials encrypted with a rotating key, API keys kept as hashes.

Credential encryption uses Fernet (AES-128-CBC + HMAC-SHA256) keys derived with HKDF
from ``ORDERBRIDGE_SECRET_KEY``. During a rotation the old keys stay listed in
``ORDERBRIDGE_OLD_SECRET_KEYS``: everything still decrypts, new writes use the new key,
and ``rotate`` re-encrypts a token under it.

cryptography (its Rust extension carries its own OpenSSL: about 6 MiB resident) is
imported on the first encryption or decryption, not with this module: a process that
never touches a stored credential never loads it (docs/benchmarks.md, "Idle RSS").

API keys are random (256 bits), shown once, and stored as SHA-256 digests: a high
entropy key needs no slow hash, and a digest lookup is one indexed equality.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from itsdangerous import Signer

if TYPE_CHECKING:
    from cryptography.fernet import Fernet, MultiFernet

API_KEY_PREFIX = "ob_"
_HKDF_INFO = b"orderbridge credentials v1"


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""

    def __init__(self) -> None:
        super().__init__("credentials cannot be decrypted with the configured keys")


def _fernet(secret_key: str) -> Fernet:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


class CredentialCipher:
    """Encrypts connection credentials; the first key encrypts, all keys decrypt."""

    def __init__(self, secret_key: str, old_keys: Sequence[str] = ()):
        if not secret_key:
            raise ValueError("a secret key is required")
        self._keys = (secret_key, *old_keys)
        self._fernets: MultiFernet | None = None

    @property
    def _multi(self) -> MultiFernet:
        """The keys derived on first use (which imports cryptography; module doc)."""
        if self._fernets is None:
            from cryptography.fernet import MultiFernet

            self._fernets = MultiFernet([_fernet(key) for key in self._keys])
        return self._fernets

    def encrypt(self, credentials: dict[str, Any]) -> str:
        return self._multi.encrypt(json.dumps(credentials).encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> dict[str, Any]:
        multi = self._multi
        from cryptography.fernet import InvalidToken

        try:
            plain = multi.decrypt(token.encode("ascii"))
        except InvalidToken:
            raise DecryptionError from None
        value: dict[str, Any] = json.loads(plain)
        return value

    def rotate(self, token: str) -> str:
        """The same credentials encrypted under the current key."""
        multi = self._multi
        from cryptography.fernet import InvalidToken

        try:
            return multi.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise DecryptionError from None


def purpose_signer(secret_key: str | bytes, purpose: str) -> Signer:
    """itsdangerous' HMAC-SHA256 signer of ``secret_key`` for one ``purpose``.

    The purpose is the salt of the key derivation (HMAC), so a value signed for one
    purpose (a dashboard session, a Poster OAuth ``state``) means nothing to another.
    ``sign(value)`` gives ``value.signature``; ``unsign`` gives the value back or raises
    ``itsdangerous.BadSignature``.
    """
    return Signer(secret_key, salt=purpose, key_derivation="hmac", digest_method=hashlib.sha256)


def new_api_key() -> str:
    """A fresh API key, ``ob_`` + 43 url-safe characters."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """The digest stored in place of an API key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_key_hint(key: str) -> str:
    """What the dashboard may show of a key: its first characters only."""
    return key[: len(API_KEY_PREFIX) + 6] + "…"


def constant_time_equals(a: str | bytes, b: str | bytes) -> bool:
    """Compare secrets without leaking their common prefix through timing."""
    left = a.encode() if isinstance(a, str) else a
    right = b.encode() if isinstance(b, str) else b
    return hmac.compare_digest(left, right)
