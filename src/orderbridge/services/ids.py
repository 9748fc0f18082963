"""Identifiers the hub hands out: a short prefix that says what it is, then randomness."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """``ord_3k9…``: 16 random base32 characters (80 bits) after the prefix."""
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    return f"{prefix}_" + "".join(secrets.choice(alphabet) for _ in range(16))
