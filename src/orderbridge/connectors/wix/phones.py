"""Phones as a Wix checkout collects them, in the E.164 form the hub keeps.

Wix stores the phone the buyer typed: its own examples carry ``"0555555555"``, a
national number with no country code. Read alone it is no number at all; read in the
restaurant's country it is one. :func:`normalize_phone` does that with
``phonenumbers`` (Google's libphonenumber), taking the location's country as the
default region; a number that starts with ``+`` needs no region.

The error messages never repeat the number: a phone is personal data.
"""

from __future__ import annotations

MAX_PHONE_LENGTH = 32


def normalize_phone(raw: str, region: str | None) -> str:
    """``raw`` in E.164, read as a national number of ``region`` when it has no ``+``.

    >>> normalize_phone("067 123 45 67", "UA")
    '+380671234567'
    >>> normalize_phone("+48 512 345 678", None)
    '+48512345678'

    Raises :class:`ValueError` (with a message safe to log) when no valid number can
    be made: nothing given, no region for a national number, or no such number.
    """
    text = raw.strip()
    if not text:
        raise ValueError("the order carries no phone")
    if len(text) > MAX_PHONE_LENGTH:
        raise ValueError("the phone is too long to be a number")
    international = text.startswith("+")
    if not international and not region:
        raise ValueError("a national number, and the location's country is unknown")
    import phonenumbers  # on first use: only Wix orders need it (docs/benchmarks.md)

    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        raise ValueError("the phone is not a number that can be dialled") from None
    if not phonenumbers.is_valid_number(number):
        where = "" if international else f" (read as a national number of {region})"
        raise ValueError(f"the phone is not a valid number{where}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
