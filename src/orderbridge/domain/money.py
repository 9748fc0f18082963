"""Money as an integer of minor units with an ISO 4217 currency.

Floats cannot hold 0.10 exactly and Poster already speaks kopecks, so every amount in
orderbridge is an ``int`` of the currency's smallest unit: ``Money(19000, "UAH")`` is
190.00 hryvnias. Arithmetic across currencies raises instead of guessing a rate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from orderbridge.domain.errors import CurrencyMismatchError, InvalidValueError

_CURRENCY = re.compile(r"[A-Z]{3}")
# Codes already checked against ``_CURRENCY`` (at most 26³): a set look-up is the
# common case, since an order's few hundred amounts share one currency.
_CHECKED: set[str] = set()

# ISO 4217 exponents that differ from the usual two decimals; everything else has two.
_EXPONENTS: dict[str, int] = {
    "BHD": 3,
    "BIF": 0,
    "CLP": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "TND": 3,
    "UGX": 0,
    "VND": 0,
    "XAF": 0,
    "XOF": 0,
}


def minor_unit_exponent(currency: str) -> int:
    """How many decimal digits the currency's minor unit has (2 for UAH, 0 for JPY)."""
    return _EXPONENTS.get(currency, 2)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of one currency, in minor units (cents, kopecks).

    >>> Money(19000, "UAH") + Money(500, "UAH")
    Money(amount=19500, currency='UAH')
    >>> (Money(1250, "EUR") * 3).format()
    '37.50 EUR'

    Adding, subtracting or comparing amounts of two currencies raises
    :class:`CurrencyMismatchError`; equality simply answers ``False``.
    """

    amount: int
    currency: str

    def __post_init__(self) -> None:
        # bool is an int subclass, and True kopecks is always a bug upstream.
        amount = self.amount
        if type(amount) is not int and (isinstance(amount, bool) or not isinstance(amount, int)):
            raise InvalidValueError(f"amount must be an integer of minor units: {amount!r}")
        currency = self.currency
        if type(currency) is str and currency in _CHECKED:
            return
        if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
            raise InvalidValueError(
                f"currency must be an ISO 4217 code like 'UAH': {currency!r}",
                code="invalid_currency",
            )
        _CHECKED.add(str(currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in ``currency``: the start value of a sum."""
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, value: Decimal | str, currency: str) -> Money:
        """Build from a major-unit amount such as Wix's ``"12.50"``.

        Refuses amounts with more decimals than the currency has, rather than rounding
        money silently.
        """
        try:
            major = Decimal(value)
        except InvalidOperation as exc:
            raise InvalidValueError(f"not a decimal amount: {value!r}") from exc
        minor = major.scaleb(minor_unit_exponent(currency))
        if not minor.is_finite() or minor != minor.to_integral_value():
            raise InvalidValueError(f"{value} {currency} has more decimals than the currency")
        return cls(int(minor), currency)

    @staticmethod
    def total(amounts: Iterable[Money], currency: str) -> Money:
        """Sum ``amounts``; ``currency`` names the result when there are none."""
        # One Money at the end rather than one per addition: an order's totals add up
        # hundreds of amounts, and each new Money is checked (``__post_init__``).
        total = 0
        for amount in amounts:
            if amount.currency != currency:
                raise CurrencyMismatchError(f"cannot combine {currency} with {amount.currency}")
            total += amount.amount
        return Money(total, currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, exact: ``Money(1999, "USD")`` → ``Decimal("19.99")``."""
        return Decimal(self.amount).scaleb(-minor_unit_exponent(self.currency))

    def format(self) -> str:
        """A plain, locale-free rendering for logs, timelines and the dashboard."""
        exponent = minor_unit_exponent(self.currency)
        return f"{self.to_decimal():.{exponent}f} {self.currency}"

    def is_zero(self) -> bool:
        """True for an amount of nothing."""
        return self.amount == 0

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise InvalidValueError(f"money can only be multiplied by an integer: {factor!r}")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return self.format()
