"""The person behind an order or a reservation.

Phones are kept in E.164 (``+380671234567``) because that is the one form every POS and
channel agrees to match customers by; turning a local ``067 123 45 67`` into E.164 needs
a country and a phone-number library, so it happens at the edge, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orderbridge.domain.errors import InvalidValueError

_E164 = re.compile(r"\+[1-9]\d{6,14}")
# Deliberately loose: an address is proven only by mail arriving, not by a pattern.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def is_e164(phone: str) -> bool:
    """True if ``phone`` is in E.164 form: a plus, then 7 to 15 digits, no spaces."""
    return _E164.fullmatch(phone) is not None


@dataclass(frozen=True, slots=True)
class Customer:
    """Name and contacts of a customer; every part is optional, but what is given is valid.

    Raises :class:`InvalidValueError` with code ``invalid_phone`` or ``invalid_email``
    and the field path, so the API can answer 422 pointing at the bad input.
    """

    name: str = ""
    phone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        if self.phone is not None and not is_e164(self.phone):
            raise InvalidValueError(
                "phone must be in E.164 form, like +380671234567",
                field="customer.phone",
                code="invalid_phone",
            )
        if self.email is not None and not _EMAIL.fullmatch(self.email):
            raise InvalidValueError(
                "email does not look like an address",
                field="customer.email",
                code="invalid_email",
            )

    def redacted(self) -> Customer:
        """A copy safe for logs and timelines: the name's initial, no contacts."""
        return Customer(
            name=f"{self.name[:1]}…" if self.name else "",
            phone=None,
            email=None,
        )

    @property
    def phone_tail(self) -> str:
        """The last four digits of the phone, enough for a cashier to confirm a caller."""
        return self.phone[-4:] if self.phone else ""
