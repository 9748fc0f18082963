"""The bodies of ``POST /api/v1/orders`` and ``GET /api/v1/orders/{id}``.

The field names are DESIGN.md's public contract (note the American ``fulfillment``
on the wire; the domain spells it ``Fulfilment``). What the schema checks is shape
and bounds; whether ``item_id`` is on the menu, the location is open or a delivery
has an address is the domain's call, reported with the same error body and paths.

A client may send its own ``price`` for a line or a modifier (the unit price, in
minor units of the location's currency). By default the menu's prices win and the
client's are ignored; a tenant on the strict price policy gets ``price_mismatch``
when they differ, which catches a website showing a stale menu.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from orderbridge.domain.order_details import FulfilmentType, PaymentStatus
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
Latitude = Annotated[float, Field(strict=True, ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(strict=True, ge=-180, le=180, allow_inf_nan=False)]
Table = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]


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
    """What the customer paid online (``paid``) or will pay at handover (``unpaid``)."""

    status: PaymentStatus
    amount: Amount
    currency: Currency


class OrderIn(InModel):
    """``POST /api/v1/orders``: an order as a website, app or chatbot sends it."""

    location_id: Id
    channel_order_id: Annotated[Id, Field(examples=["web-1001"])]
    items: Annotated[list[LineIn], Field(min_length=1, max_length=MAX_LINES)]
    customer: CustomerIn
    fulfillment: FulfillmentIn
    payment: PaymentIn | None = None
    note: Note = ""


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


class PaymentOut(OutModel):
    """The payment the channel reported."""

    status: PaymentStatus
    amount: int
    currency: str


class TotalsOut(OutModel):
    """Sums in minor units of ``currency``; ``due`` is what is left to pay at handover.

    ``subtotal`` is the lines before fees and discounts; the hub has neither yet, so
    it equals ``total`` today, and clients should show ``total``.
    """

    subtotal: int
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


class OrdersOut(OutModel):
    """``GET /api/v1/orders``: a page of orders, newest first."""

    orders: list[OrderOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null on the last page"
    )
