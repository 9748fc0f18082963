"""Customer contacts as people type them, turned into the forms the domain keeps.

Websites send phones however their form collected them: ``067 123 45 67``,
``(067) 123-45-67``, ``+380 67 123 4567`` or ``00380671234567``. The domain keeps one
form only, E.164 (``+380671234567``), because that is what every POS and channel
matches customers by. Turning a national number into E.164 needs to know the country
it was dialled in, so :func:`normalize_phone` takes a region hint (the location's
country, ``"UA"`` by default). A number already in international form needs no hint.

Both functions raise :class:`ValueError` with a message safe to show and to log: it
never repeats the number or address itself, which are personal data.
"""

from __future__ import annotations

import functools
import re

DEFAULT_PHONE_REGION = "UA"
MAX_PHONE_LENGTH = 32
MAX_EMAIL_LENGTH = 254
"""RFC 5321's limit on a forward path; longer is never a real mailbox."""

# What a person may type around the digits: spaces, dashes, dots, brackets, slashes.
_PHONE_CHARS = re.compile(r"\+?[\d\s().\-/]+")
# Stricter than the domain's sanity check, looser than RFC 5322: a dotted domain with
# sane labels and a local part without spaces. Unicode letters are allowed on purpose.
_EMAIL = re.compile(
    r"[^\s@\"(),:;<>\[\]\\]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}",
)


def looks_international(raw: str) -> bool:
    """True if ``raw`` carries its own country code (starts with ``+``), needing no region."""
    return raw.lstrip().startswith("+")


def check_phone_shape(raw: str) -> str:
    """``raw`` trimmed, if it is made of what people type in a phone number; else ValueError.

    This is all that can be checked of a national number before its region is known.
    """
    text = raw.strip()
    if not text or len(text) > MAX_PHONE_LENGTH or not _PHONE_CHARS.fullmatch(text):
        raise ValueError("phone must be digits, optionally with +, spaces, dashes or brackets")
    return text


def normalize_phone(raw: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """``raw`` in E.164, dialled from ``region`` (an ISO 3166 alpha-2 code) if national.

    >>> normalize_phone("067 123 45 67")
    '+380671234567'
    >>> normalize_phone("+48 512 345 678", region="UA")
    '+48512345678'

    Raises :class:`ValueError` when ``raw`` is not a valid number: too short, too long,
    letters in it, or a number no carrier in that country issues.
    """
    e164, problem = _parsed(check_phone_shape(raw), region)
    if e164 is None:
        raise ValueError(problem)
    return e164


@functools.lru_cache(maxsize=1024)
def _parsed(text: str, region: str) -> tuple[str | None, str]:
    """``text`` in E.164, or ``None`` and why not. Parsing with phonenumbers was most of
    an order body's validation (~20 of ~40 µs, docs/benchmarks.md, round 7, acks); it is
    a pure function of the text and the region (the library's metadata is fixed), so
    the answers for the last numbers seen are kept: a returning customer, a retried
    order, a number typed the same way again cost a look-up. Kept in memory only, as
    the requests that carried them are; bounded."""
    import phonenumbers  # on the first phone, not with the app (docs/benchmarks.md)

    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        return None, "phone is not a number that can be dialled"
    if not phonenumbers.is_valid_number(number):
        where = "" if looks_international(text) else f" (read as a national number of {region})"
        return None, f"phone is not a valid number{where}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def normalize_email(raw: str) -> str:
    """``raw`` trimmed, with its domain lower-cased; :class:`ValueError` if it is no address.

    The local part keeps its case: some mail servers treat it as significant.
    """
    text = raw.strip()
    if len(text) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(text):
        raise ValueError("email must look like name@example.com")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
