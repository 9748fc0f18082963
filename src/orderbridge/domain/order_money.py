"""What an order costs: discounts, charges, and totals that add up.

A channel may send more than lines: a discount on one line ("-20 % on the second
pizza"), a discount on the whole order (a promo code), and charges that are not menu
items (a delivery fee, a service fee, a tip, packaging). The hub keeps each of them as
a value with its reason, and computes the totals itself:

``subtotal``  the lines at their prices, modifiers included
``discounts`` every line discount plus every order discount
``charges``   every charge
``total``     ``subtotal − discounts + charges``: what the customer owes in all
``paid``      what the channel says was paid online
``due``       ``total − paid`` (never below zero): what the cashier collects

A discount can never make a line, or the order, cost less than nothing; a payment above
the total is refused when the order is placed (``payment_mismatch``), not here, so an
order stored by an older version still loads.

The POS sometimes cannot take a discount as such (Poster has no discount field on an
incoming order): :func:`allocate` spreads an order discount over the lines in
proportion to what they cost, and :func:`split_unit_prices` turns a line's net amount
into whole-unit prices that add up to it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.money import Money


class ChargeKind(StrEnum):
    """What a charge is for; the values are the storefront API's ``type`` names."""

    DELIVERY_FEE = "delivery_fee"
    SERVICE_FEE = "service_fee"
    TIP = "tip"
    PACKAGING = "packaging"

    @property
    def label(self) -> str:
        """How a cashier reads it: ``"Delivery fee"``."""
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Discount:
    """An amount taken off, with why: a ``reason`` for people and/or a promo ``code``."""

    amount: Money
    reason: str = ""
    code: str = ""

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise InvalidValueError("a discount must be more than zero", code="invalid_discount")

    def describe(self) -> str:
        """``"-20.00 UAH (SUMMER, happy hour)"`` for a comment or a timeline."""
        why = ", ".join(part for part in (self.code, self.reason) if part)
        return f"-{self.amount.format()}" + (f" ({why})" if why else "")


@dataclass(frozen=True, slots=True)
class Charge:
    """An amount added that is not a menu item: a delivery fee, a tip …"""

    kind: ChargeKind
    amount: Money
    name: str = ""

    def __post_init__(self) -> None:
        if self.amount.amount < 0:
            raise InvalidValueError("a charge cannot be negative", code="invalid_charge")

    @property
    def label(self) -> str:
        """The channel's name for it, else its kind's: ``"Delivery fee"``."""
        return self.name or self.kind.label


@dataclass(frozen=True, slots=True)
class OrderTotals:
    """Totals in the order's currency (see the module docstring for each one)."""

    subtotal: Money
    discounts: Money
    charges: Money
    total: Money
    paid: Money
    due: Money
    item_count: int


def sum_discounts(discounts: Iterable[Discount], currency: str) -> Money:
    """The amount of all ``discounts``."""
    return Money.total((d.amount for d in discounts), currency)


def sum_charges(charges: Iterable[Charge], currency: str) -> Money:
    """The amount of all ``charges``."""
    return Money.total((c.amount for c in charges), currency)


def allocate(amount: Money, weights: Sequence[Money]) -> list[Money]:
    """``amount`` split over ``weights`` in proportion, exactly (largest remainders).

    >>> [m.amount for m in allocate(Money(100, "UAH"), [Money(200, "UAH"), Money(100, "UAH")])]
    [67, 33]

    Used to spread an order discount over lines that each cost ``weights[i]``; no part
    exceeds its weight as long as ``amount`` does not exceed their sum.
    """
    currency = amount.currency
    whole = sum(w.amount for w in weights)
    if whole <= 0:
        return [Money.zero(currency) for _ in weights]
    shares = [amount.amount * w.amount // whole for w in weights]
    remainders = [amount.amount * w.amount % whole for w in weights]
    left = amount.amount - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return [Money(share, currency) for share in shares]


def split_unit_prices(net: Money, quantity: int) -> list[tuple[int, Money]]:
    """Whole-unit prices for ``quantity`` units that cost ``net`` together, exactly.

    >>> [(n, m.amount) for n, m in split_unit_prices(Money(250, "UAH"), 3)]
    [(2, 83), (1, 84)]

    A POS that takes a price per unit cannot charge 83.33 three times; two units at 83
    and one at 84 add up to the same 250.
    """
    if quantity < 1:
        raise InvalidValueError("a quantity must be at least 1", code="quantity_out_of_range")
    base, extra = divmod(net.amount, quantity)
    parts = [(quantity - extra, Money(base, net.currency)), (extra, Money(base + 1, net.currency))]
    return [(count, price) for count, price in parts if count]
