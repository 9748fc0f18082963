"""An order as a channel sent it, before it is checked against the menu.

A draft is what the storefront API's ``POST /api/v1/orders`` body (or a Wix order)
says, in domain terms: item ids, quantities and, when the channel sends them, its own
prices and names. :func:`~orderbridge.domain.validation.validate_order` checks a draft
against the published menu; :func:`~orderbridge.domain.validation.price_lines` turns it
into priced order lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from orderbridge.domain.customers import Customer
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import Fulfilment, Payment, PaymentStatus
from orderbridge.domain.order_money import Charge, Discount
from orderbridge.domain.orders import OrderKey


@dataclass(frozen=True, slots=True)
class DraftModifier:
    """A modifier the customer chose, per unit of the line's item.

    ``unit_price`` and ``name`` are the channel's own, when it sends them: the menu's
    values win, the channel's fill in for a modifier the menu does not know yet.
    """

    modifier_id: str
    quantity: int = 1
    unit_price: Money | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One requested line; ``unit_price`` is the channel's price of the item or variant alone."""

    item_id: str
    quantity: int
    variant_id: str | None = None
    modifiers: tuple[DraftModifier, ...] = ()
    note: str = ""
    unit_price: Money | None = None
    name: str = ""
    discounts: tuple[Discount, ...] = ()


@dataclass(frozen=True, slots=True)
class DraftPayment:
    """A payment whose amount the channel left to the hub: an unpaid order, priced by
    the hub from the menu. :meth:`settle` gives the order's :class:`Payment`."""

    status: PaymentStatus
    currency: str

    def __post_init__(self) -> None:
        if self.status is PaymentStatus.PAID:
            raise InvalidValueError(
                "a paid order must say how much was paid",
                field="payment.amount",
                code="amount_required",
            )
        Money.zero(self.currency)  # validates the code

    def settle(self, total: Money) -> Payment:
        """The payment of an order that costs ``total``: nothing paid, ``total`` to pay."""
        return Payment(self.status, total)


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """Everything a channel sent for one order, not yet validated."""

    key: OrderKey
    location_id: str
    items: tuple[DraftLine, ...]
    customer: Customer
    fulfilment: Fulfilment
    payment: Payment | DraftPayment | None = None
    note: str = ""
    discounts: tuple[Discount, ...] = ()
    charges: tuple[Charge, ...] = ()

    @property
    def payment_currency(self) -> str | None:
        """The currency the payment is in, whether or not it names an amount."""
        if isinstance(self.payment, DraftPayment):
            return self.payment.currency
        return None if self.payment is None else self.payment.amount.currency
