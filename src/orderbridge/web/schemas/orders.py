"""The bodies of ``POST /api/v1/orders`` and ``GET /api/v1/orders/{id}``.

The field names are DESIGN.md's public contract (note the American ``fulfillment``
on the wire; the domain spells it ``Fulfilment``). What the schema checks is shape
and bounds; whether ``item_id`` is on the menu, the location is open or a delivery
has an address is the domain's call, reported with the same error body and paths.

A client may send its own ``price`` for a line or a modifier (the unit price, in
minor units of the location's currency). By default the menu's prices win and the
client's are ignored; a tenant on the strict price policy gets ``price_mismatch``
when they differ, which catches a website showing a stale menu.

Money beyond the lines: ``discounts`` on a line or on the whole order (an amount, a
``reason``, a promo ``code``) and ``charges`` (delivery fee, service fee, tip,
packaging). The hub adds everything up itself (``totals``); a ``paid`` amount above
the total is refused (``payment_mismatch``), and an unpaid order needs no amount.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from orderbridge.domain.order_details import FulfilmentType, PaymentStatus
from orderbridge.domain.order_money import ChargeKind
from orderbridge.domain.orders import OrderStatus
from orderbridge.domain.validation import MAX_LINES
from orderbridge.web.schemas.common import (
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    Amount,
    Currency,
    CustomerIn,
    CustomerOut,
    Id,
    InModel,
    Moment,
    Name,
    Note,
    OutModel,
    Quantity,
    TimelineEntryOut,
)

MAX_MODIFIERS_PER_LINE = 50
MAX_DISCOUNTS = 20
MAX_CHARGES = 20
PositiveAmount = Annotated[
    int, Field(strict=True, ge=1, le=1_000_000_000, description="minor units")
]
Code = Annotated[str, StringConstraints(max_length=64)]
Latitude = Annotated[float, Field(strict=True, ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(strict=True, ge=-180, le=180, allow_inf_nan=False)]
Table = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]


class DiscountIn(InModel):
    """An amount off (minor units), with why: a ``reason`` for people, a promo ``code``."""

    amount: PositiveAmount
    reason: Name = ""
    code: Code = ""


class ChargeIn(InModel):
    """An amount added that is not a menu item."""

    type: ChargeKind
    amount: Amount
    name: Name = ""


class ModifierIn(InModel):
    """A chosen modifier, ``quantity`` per unit of the line's item."""

    modifier_id: Id
    quantity: Quantity = 1
    price: Amount | None = None


class LineIn(InModel):
    """One line of the order; ``variant_id`` is required for items that have variants."""

    item_id: Id
    variant_id: Id | None = None
    quantity: Quantity
    modifiers: Annotated[list[ModifierIn], Field(max_length=MAX_MODIFIERS_PER_LINE)] = Field(
        default_factory=list
    )
    note: Note = ""
    price: Amount | None = None
    discounts: Annotated[list[DiscountIn], Field(max_length=MAX_DISCOUNTS)] = Field(
        default_factory=list
    )


class AddressIn(InModel):
    """A delivery address; ``comment`` (entrance, floor, "ring twice") is for the courier."""

    line1: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH)]
    line2: Name = ""
    city: Name = ""
    postcode: Annotated[str, StringConstraints(max_length=20)] = ""
    lat: Latitude | None = None
    lng: Longitude | None = None
    comment: Note = ""


class FulfillmentIn(InModel):
    """Pickup, delivery (needs ``address``) or dine-in (needs ``table``); no ``time`` = ASAP."""

    type: FulfilmentType
    time: Moment | None = None
    address: AddressIn | None = None
    table: Table | None = None


class PaymentIn(InModel):
    """What the customer paid online (``paid``) or will pay at handover (``unpaid``).

    ``amount`` is required for a paid order; an unpaid one may leave it (and the
    currency) out: the hub prices the order itself.
    """

    status: PaymentStatus
    amount: Amount | None = None
    currency: Currency | None = None


class OrderIn(InModel):
    """``POST /api/v1/orders``: an order as a website, app or chatbot sends it."""

    location_id: Id
    channel_order_id: Annotated[Id, Field(examples=["web-1001"])]
    items: Annotated[list[LineIn], Field(min_length=1, max_length=MAX_LINES)]
    customer: CustomerIn
    fulfillment: FulfillmentIn
    payment: PaymentIn | None = None
    note: Note = ""
    discounts: Annotated[list[DiscountIn], Field(max_length=MAX_DISCOUNTS)] = Field(
        default_factory=list
    )
    charges: Annotated[list[ChargeIn], Field(max_length=MAX_CHARGES)] = Field(default_factory=list)


class DiscountOut(OutModel):
    """A discount as stored."""

    amount: int
    reason: str
    code: str


class ChargeOut(OutModel):
    """A charge as stored; ``name`` is the channel's or the kind's."""

    type: ChargeKind
    amount: int
    name: str


class ModifierOut(OutModel):
    """A modifier on a stored line, with the name and unit price it was ordered at."""

    modifier_id: str
    group_id: str | None
    name: str
    quantity: int
    unit_price: int


class LineOut(OutModel):
    """A priced line: ``unit_price`` is the item or variant alone; ``total`` has it all."""

    item_id: str
    variant_id: str | None
    name: str
    quantity: int
    unit_price: int
    modifiers: list[ModifierOut]
    note: str
    total: int
    discounts: list[DiscountOut] = Field(default_factory=list)


class AddressOut(OutModel):
    """The delivery address as stored; a courier comment is part of ``line2``."""

    line1: str
    line2: str
    city: str
    postcode: str
    lat: float | None
    lng: float | None


class FulfillmentOut(OutModel):
    """How the order is handed over."""

    type: FulfilmentType
    time: AwareDatetime | None
    address: AddressOut | None
    table: str | None
    promised_at: AwareDatetime | None = Field(
        default=None,
        description="when the customer can expect it: the time asked for, never before "
        "now + preparation + busy minutes",
    )
    send_at: AwareDatetime | None = Field(
        default=None, description="a scheduled order: when the hub sends it to the POS"
    )


class PaymentOut(OutModel):
    """The payment the channel reported."""

    status: PaymentStatus
    amount: int
    currency: str


class TotalsOut(OutModel):
    """Sums in minor units of ``currency``, computed by the hub.

    ``subtotal`` (the lines) − ``discounts`` + ``charges`` = ``total``; ``paid`` is what
    was paid online and ``due`` what is left to pay at handover.
    """

    subtotal: int
    discounts: int = 0
    charges: int = 0
    total: int
    paid: int
    due: int
    currency: str


class OrderOut(OutModel):
    """``GET /api/v1/orders/{id}`` (and the ``201`` of ``POST``): an order and its history."""

    id: str
    status: OrderStatus
    location_id: str
    channel: str
    channel_order_id: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    items: list[LineOut]
    customer: CustomerOut
    fulfillment: FulfillmentOut
    payment: PaymentOut | None
    note: str
    totals: TotalsOut
    timeline: list[TimelineEntryOut]
    discounts: list[DiscountOut] = Field(default_factory=list)
    charges: list[ChargeOut] = Field(default_factory=list)


class OrdersOut(OutModel):
    """``GET /api/v1/orders``: a page of orders, newest first."""

    orders: list[OrderOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null on the last page"
    )
