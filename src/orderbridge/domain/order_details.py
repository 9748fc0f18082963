"""The values an order is made of: its lines, how it is handed over, how it is paid.

They are immutable and check their own invariants, so an ``Order`` built from them is
whole or not built at all. ``orderbridge.domain.orders`` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from orderbridge.domain.errors import CurrencyMismatchError, InvalidValueError, require_aware
from orderbridge.domain.money import Money
from orderbridge.domain.order_money import Discount, OrderTotals, sum_discounts

__all__ = [
    "Address",
    "Fulfilment",
    "FulfilmentType",
    "LineModifier",
    "OrderLine",
    "OrderTotals",
    "Payment",
    "PaymentStatus",
]


class FulfilmentType(StrEnum):
    """How the order reaches the customer."""

    PICKUP = "pickup"
    DELIVERY = "delivery"
    DINE_IN = "dine_in"


@dataclass(frozen=True, slots=True)
class Address:
    """A delivery address; coordinates are optional and help the courier, not the POS."""

    line1: str
    city: str = ""
    line2: str = ""
    postcode: str = ""
    lat: float | None = None
    lng: float | None = None


@dataclass(frozen=True, slots=True)
class Fulfilment:
    """Pickup, delivery to an address, or dine-in at a table; ``time`` None means ASAP."""

    type: FulfilmentType
    time: datetime | None = None
    address: Address | None = None
    table: str | None = None

    def __post_init__(self) -> None:
        if self.time is not None:
            require_aware(self.time, "fulfillment.time")
        if self.type is FulfilmentType.DELIVERY and self.address is None:
            raise InvalidValueError(
                "a delivery needs an address", field="fulfillment.address", code="address_required"
            )
        if self.type is FulfilmentType.DINE_IN and not self.table:
            raise InvalidValueError(
                "a dine-in order needs a table", field="fulfillment.table", code="table_required"
            )


class PaymentStatus(StrEnum):
    """Whether the customer already paid (online) or pays at handover."""

    PAID = "paid"
    UNPAID = "unpaid"


@dataclass(frozen=True, slots=True)
class Payment:
    """What the customer paid, so the cashier sees nothing left to pay on prepaid orders."""

    status: PaymentStatus
    amount: Money

    def __post_init__(self) -> None:
        if self.amount.amount < 0:
            raise InvalidValueError("a payment cannot be negative", field="payment.amount")


@dataclass(frozen=True, slots=True)
class LineModifier:
    """A chosen modifier on a line; ``quantity`` and ``unit_price`` are per unit of the item."""

    modifier_id: str
    quantity: int
    unit_price: Money
    name: str = ""
    group_id: str | None = None

    @property
    def total(self) -> Money:
        """What this modifier adds to one unit of the item."""
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line: an item (or one of its variants), its modifiers, and how many.

    ``unit_price`` is the item's or variant's price alone; :attr:`unit_total` adds the
    modifiers, and :attr:`total` multiplies by the quantity.
    """

    item_id: str
    quantity: int
    unit_price: Money
    name: str = ""
    variant_id: str | None = None
    modifiers: tuple[LineModifier, ...] = ()
    note: str = ""
    discounts: tuple[Discount, ...] = ()

    # Worked out once, when the line is made: placing an order, its Poster body and its
    # 201 ask for these a dozen times per line, and each sum makes new checked Money.
    _unit_total: Money = field(init=False, repr=False, compare=False)
    _total: Money = field(init=False, repr=False, compare=False)
    _discount: Money = field(init=False, repr=False, compare=False)
    _net_total: Money = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.quantity < 1 or any(m.quantity < 1 for m in self.modifiers):
            raise InvalidValueError("quantities must be at least 1", code="quantity_out_of_range")
        currency = self.unit_price.currency
        for modifier in self.modifiers:
            if modifier.unit_price.currency != currency:
                raise CurrencyMismatchError(
                    "a modifier is priced in another currency than its item"
                )
        if any(d.amount.currency != currency for d in self.discounts):
            raise CurrencyMismatchError("a line discount is in another currency than its line")
        unit_total = Money.total((m.total for m in self.modifiers), currency) + self.unit_price
        total = unit_total * self.quantity
        discount = sum_discounts(self.discounts, currency)
        if discount > total:
            raise InvalidValueError(
                f"the line's discounts ({discount}) exceed its price ({total})",
                code="invalid_discount",
            )
        object.__setattr__(self, "_unit_total", unit_total)
        object.__setattr__(self, "_total", total)
        object.__setattr__(self, "_discount", discount)
        object.__setattr__(self, "_net_total", total - discount)

    @property
    def unit_total(self) -> Money:
        """The price of one unit with its modifiers."""
        return self._unit_total

    @property
    def total(self) -> Money:
        """The price of the whole line, before its discounts."""
        return self._total

    @property
    def discount(self) -> Money:
        """What the line's own discounts take off."""
        return self._discount

    @property
    def net_total(self) -> Money:
        """The line after its own discounts (order discounts are not spread here)."""
        return self._net_total
