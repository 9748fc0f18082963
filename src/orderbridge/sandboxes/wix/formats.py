"""Wix's wire formats: timestamps (ISO 8601, UTC, milliseconds, ``Z``) and amounts
(decimal strings such as ``"85.00"``; prices as ``{amount, formattedAmount}``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from orderbridge.sandboxes.wix.errors import invalid

CENT = Decimal("0.01")
CURRENCY_SYMBOLS = {"UAH": "₴", "USD": "$", "EUR": "€"}


def parse_amount(value: Any, field: str) -> Decimal:
    """A non-negative decimal string (numbers are accepted too); 400 otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise invalid(field, 'must be a decimal string such as "85.00"')
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise invalid(field, f"{value!r} is not a decimal amount") from None
    if not amount.is_finite() or amount < 0:
        raise invalid(field, "must be a non-negative amount")
    return amount


def amount_str(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def price(amount: Decimal, currency: str) -> dict[str, str]:
    """Wix's ``Price``: the decimal string and how the site would show it."""
    text = amount_str(amount)
    return {"amount": text, "formattedAmount": f"{CURRENCY_SYMBOLS.get(currency, '')}{text}"}


def wix_time(moment: datetime) -> str:
    """Wix's timestamps: ISO 8601 in UTC with milliseconds and ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
