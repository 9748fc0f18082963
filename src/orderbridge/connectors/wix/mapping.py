"""Pure functions between Wix orders and the hub's orders.

Inbound, :func:`order_draft` turns a Wix eCommerce order into an ``OrderDraft``: only
line items of the Restaurants app (``catalogReference.appId``) are restaurant items;
the rest (Wix Stores products, gift cards) are left out. A line's ``catalogItemId``,
``options.variantId`` and ``options.modifierIds`` are Wix ids; ``resolve`` turns each
into the hub's id through the id map the menu publisher kept. An id the map does not
know stays a recognisable ``wix:…`` id, so validation fails the order with
``unknown_item`` (or ``unknown_variant``/``unknown_modifier``) and its reason instead
of dropping the line. Wix's own prices and names ride along for such lines.

Outbound, :data:`STATUS_TABLE` says what each hub status does at Wix, and
:func:`pos_order_body` builds a Create Order body for an order made at the register.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from orderbridge.connectors.wix.schemas import RESTAURANTS_APP_ID, WixLineItem, WixOrder
from orderbridge.domain.customers import Customer
from orderbridge.domain.drafts import DraftLine, DraftModifier, OrderDraft
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.money import Money
from orderbridge.domain.orders import (
    Address,
    Fulfilment,
    FulfilmentType,
    OrderKey,
    Payment,
    PaymentStatus,
)

CHANNEL = "wix"
UNKNOWN_PREFIX = "wix:"
POS_IMPORT_PREFIX = "orderbridge-pos:"
"""``channelInfo.externalOrderId`` prefix of orders the hub created in Wix itself."""

Resolve = Callable[[str, str], str | None]
"""(kind, Wix id) → the hub's local id (``loc/item`` or ``loc/item/sub``), or None."""


@dataclass(frozen=True)
class WixAction:
    """What a hub status does at Wix: the fulfilment status to set, or canceling."""

    fulfilment_status: str | None = None
    cancel: bool = False
    note: str = ""


STATUS_TABLE: Mapping[str, WixAction] = {
    "order.received": WixAction(note="Wix already has the order; nothing to tell"),
    "order.submitted": WixAction(note="sent to the POS; Wix has no status for it"),
    "order.accepted": WixAction(fulfilment_status="Accepted"),
    "order.completed": WixAction(fulfilment_status="Fulfilled"),
    "order.declined": WixAction(cancel=True),
    "order.canceled": WixAction(cancel=True),
    "order.failed": WixAction(note="needs an operator; Wix has no status for it"),
}
"""Hub event → Wix call. Accepted creates the whole-order fulfilment (Wix starts it
``Pending``) and sets it ``Accepted``; completed sets it ``Fulfilled``; declined and
canceled cancel the Wix order; the others make no call and are recorded in the
order's timeline."""


def item_key(location_id: str, item_id: str) -> str:
    return f"{location_id}/{item_id}"


def sub_key(location_id: str, item_id: str, sub_id: str) -> str:
    return f"{location_id}/{item_id}/{sub_id}"


def money(amount: str, currency: str) -> Money:
    """A Wix decimal string as money; a malformed amount is zero (Wix's prices are
    informational here: the menu's prices win)."""
    try:
        return Money.from_decimal(Decimal(amount or "0"), currency)
    except (InvalidOperation, InvalidValueError):
        return Money.zero(currency)


def restaurant_lines(order: WixOrder) -> list[WixLineItem]:
    """The order's restaurant line items; other apps' items are not the restaurant's."""
    return [line for line in order.lineItems if line.is_restaurant_item]


def order_draft(
    order: WixOrder, *, location_id: str, currency: str, resolve: Resolve
) -> OrderDraft | None:
    """The draft of a Wix order, or None when it has no restaurant items."""
    lines = restaurant_lines(order)
    if not lines:
        return None
    draft_lines = tuple(_line(line, location_id, currency, resolve) for line in lines)
    total = money(order.priceSummary.total.amount, currency)
    paid = order.paymentStatus == "PAID"
    return OrderDraft(
        key=OrderKey(CHANNEL, order.id),
        location_id=location_id,
        items=draft_lines,
        customer=_customer(order),
        fulfilment=_fulfilment(order),
        payment=Payment(PaymentStatus.PAID if paid else PaymentStatus.UNPAID, total),
        note=(order.buyerNote or "")[:500],
    )


def external_refs(order: WixOrder, connection_id: str) -> dict[str, str]:
    """Every Wix id of the order, for the hub's store (``order.external_refs``)."""
    lines = [
        {"id": line.id, "quantity": line.quantity, "catalogItemId": _catalog_id(line)}
        for line in restaurant_lines(order)
    ]
    refs = {
        "channel_connection_id": connection_id,
        "wix_order_id": order.id,
        "wix_order_number": order.number,
        "wix_contact_id": order.buyerInfo.contactId,
        "wix_line_items": json.dumps(lines, separators=(",", ":")),
    }
    return {k: v for k, v in refs.items() if v}


def fulfilment_lines(refs: Mapping[str, str]) -> list[dict[str, object]]:
    """The whole order's restaurant lines, as a fulfilment names them."""
    lines = json.loads(refs.get("wix_line_items", "[]"))
    return [{"id": line["id"], "quantity": line["quantity"]} for line in lines]


def _catalog_id(line: WixLineItem) -> str:
    return line.catalogReference.catalogItemId if line.catalogReference else ""


def _line(line: WixLineItem, location_id: str, currency: str, resolve: Resolve) -> DraftLine:
    options = line.catalogReference.options if line.catalogReference else {}
    wix_item = _catalog_id(line)
    local = resolve("item", wix_item)
    item_id = local.rsplit("/", 1)[-1] if local else f"{UNKNOWN_PREFIX}{wix_item}"
    variant_id = None
    if options.get("variantId"):
        found = resolve("variant", str(options["variantId"]))
        variant_id = (
            found.rsplit("/", 1)[-1] if found else f"{UNKNOWN_PREFIX}{options['variantId']}"
        )
    modifiers = []
    for wix_modifier in options.get("modifierIds") or []:
        found = resolve("modifier", str(wix_modifier))
        modifiers.append(
            DraftModifier(
                modifier_id=found.rsplit("/", 1)[-1]
                if found
                else f"{UNKNOWN_PREFIX}{wix_modifier}",
                unit_price=Money.zero(currency),
            )
        )
    return DraftLine(
        item_id=item_id,
        quantity=line.quantity,
        variant_id=variant_id,
        modifiers=tuple(modifiers),
        unit_price=money(line.price.amount, currency),
        name=line.productName.original,
    )


def _customer(order: WixOrder) -> Customer:
    contact = order.contact
    name = f"{contact.firstName} {contact.lastName}".strip()
    email = order.buyerInfo.email or None
    for phone, mail in ((contact.phone or None, email), (None, email), (None, None)):
        try:
            return Customer(name=name, phone=phone, email=mail)
        except InvalidValueError:
            continue
    return Customer(name=name)


def _fulfilment(order: WixOrder) -> Fulfilment:
    logistics = order.shippingInfo.get("logistics") or {}
    destination = logistics.get("shippingDestination")
    if isinstance(destination, dict):
        address = destination.get("address") or {}
        line1 = str(address.get("addressLine1") or address.get("formatted") or "").strip()
        if line1:
            return Fulfilment(
                FulfilmentType.DELIVERY,
                address=Address(line1=line1, city=str(address.get("city") or "")),
            )
    return Fulfilment(FulfilmentType.PICKUP)


# POS orders into Wix ------------------------------------------------------------------


@dataclass(frozen=True)
class PosLine:
    """One line of a check made at the register, with its place on the Wix menu."""

    wix_item_id: str
    menu_id: str
    section_id: str
    quantity: int
    unit_price: Money
    name: str
    wix_variant_id: str | None = None


def pos_order_body(
    lines: Sequence[PosLine],
    *,
    operation_id: str,
    business_location_id: str,
    external_order_id: str,
    paid: bool,
) -> dict[str, object]:
    """Create Order's ``order`` for a register check, with restaurant catalog references."""
    items = []
    for line in lines:
        options: dict[str, str] = {
            "operationId": operation_id,
            "menuId": line.menu_id,
            "sectionId": line.section_id,
        }
        if line.wix_variant_id:
            options["variantId"] = line.wix_variant_id
        items.append(
            {
                "quantity": line.quantity,
                "productName": {"original": line.name},
                "price": {"amount": str(line.unit_price.to_decimal())},
                "catalogReference": {
                    "catalogItemId": line.wix_item_id,
                    "appId": RESTAURANTS_APP_ID,
                    "options": options,
                },
            }
        )
    return {
        "lineItems": items,
        "channelInfo": {
            "type": "OTHER_PLATFORM",
            "externalOrderId": f"{POS_IMPORT_PREFIX}{external_order_id}",
        },
        "status": "APPROVED",
        "paymentStatus": "PAID" if paid else "NOT_PAID",
        "businessLocationId": business_location_id,
    }
