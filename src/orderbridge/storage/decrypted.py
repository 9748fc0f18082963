"""Decrypted secrets kept in this process, so hot paths do not run Fernet on every read.

Submitting an order reads its POS connection, and the stored credentials are a Fernet
token: decrypting it (HMAC check, AES, JSON) cost more than the queries around it.
:func:`decrypt` keeps the plain value per (owner id, token) and per cipher:

* the token is part of the key, so new credentials (a new token) are decrypted at
  once, and a value is never served for a token it was not decrypted from;
* the cipher is part of the key, so a cipher without the right key still refuses a
  token another cipher decrypted (``DecryptionError``);
* at most :data:`KEPT` values per cipher; when full, the cache starts over.

Callers get a copy: changing it changes nothing here.
"""

from __future__ import annotations

import copy
import weakref
from typing import Any

from orderbridge.security import CredentialCipher

KEPT = 256

_PLAIN: weakref.WeakKeyDictionary[CredentialCipher, dict[tuple[str, str], dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


def decrypt(cipher: CredentialCipher, owner_id: str, token: str) -> dict[str, Any]:
    """``cipher.decrypt(token)``, from the cache when this token of ``owner_id`` was seen.

    ``owner_id`` names the row the token belongs to (a connection, an endpoint). An
    empty token is an empty dict, as for a connection stored without credentials.
    """
    if not token:
        return {}
    kept = _PLAIN.get(cipher)
    if kept is None:
        kept = _PLAIN.setdefault(cipher, {})
    key = (owner_id, token)
    plain = kept.get(key)
    if plain is None:
        plain = cipher.decrypt(token)
        if len(kept) >= KEPT:
            kept.clear()
        kept[key] = plain
    return copy.deepcopy(plain) if _nested(plain) else dict(plain)


def forget(cipher: CredentialCipher | None = None) -> None:
    """Drop what is kept (for ``cipher`` only, if given)."""
    if cipher is None:
        _PLAIN.clear()
    else:
        _PLAIN.pop(cipher, None)


def _nested(plain: dict[str, Any]) -> bool:
    return any(isinstance(value, dict | list) for value in plain.values())
