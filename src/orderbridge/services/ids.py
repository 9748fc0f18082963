"""Identifiers the hub hands out: a short prefix that says what it is, then randomness."""

from __future__ import annotations

import base64
import secrets

# RFC 4648's base32 alphabet, spelled in the hub's own (no i, l, o, u: nothing to misread).
_SPELLING = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789abcdefghjkmnpqrstvwxyz")


def new_id(prefix: str) -> str:
    """``ord_3k9…``: 16 random base32 characters (80 bits) after the prefix.

    Ten random bytes are exactly 16 base32 characters: one call to the system's
    randomness per id (a choice per character cost a tenth of placing an order).
    """
    text = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
    return f"{prefix}_" + text.translate(_SPELLING)
