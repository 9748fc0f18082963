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
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import Fulfilment, Payment
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


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """Everything a channel sent for one order, not yet validated."""

    key: OrderKey
    location_id: str
    items: tuple[DraftLine, ...]
    customer: Customer
    fulfilment: Fulfilment
    payment: Payment | None = None
    note: str = ""
