"""Pure functions between Wix orders and the hub's orders.

Inbound, :func:`order_draft` turns a Wix eCommerce order into an ``OrderDraft``: only
line items of the Restaurants app (``catalogReference.appId``) are restaurant items;
the rest (Wix Stores products, gift cards) are left out. A line's ``catalogItemId``,
``catalogReference.options.variantId`` (the all-zero GUID or nothing: no variant) and
the ids in ``modifierGroups[].modifiers[]`` are Wix ids; ``resolve`` turns each into
the hub's id through the id map the menu publisher kept. An id the map does not
know stays a recognisable ``wix:…`` id, so validation fails the order with
``unknown_item`` (or ``unknown_variant``/``unknown_modifier``) and its reason instead
of dropping the line. Wix's own prices and names ride along for such lines.

Where each field comes from (Wix's REST names; sources in ``tests/payloads/wix``):
phone from ``billingInfo.contactDetails.phone`` (else the delivery contact's), made
E.164 in the location's country; delivery address from
``shippingInfo.logistics.shippingDestination.address`` (``addressLine``,
``addressLine2``, ``city``, ``postalCode``, ``geocode``); the paid amount from
``priceSummary.total`` (the deprecated ``totalPrice`` when only it is there) less the
lines of other apps. An order in another currency than the location's is refused
(``currency_mismatch``), never repriced.

Outbound, :data:`STATUS_TABLE` says what each hub status does at Wix, and
:func:`pos_order_body` builds a Create Order body for an order made at the register.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from orderbridge.connectors.wix.phones import normalize_phone
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
from orderbridge.ports import PermanentError

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


@dataclass(frozen=True)
class MappedOrder:
    """A Wix order as a draft, with what the draft alone cannot say: reasons the order
    cannot go to the POS although the menu knows every line (``phone_required``)."""

    draft: OrderDraft
    problems: tuple[str, ...] = ()


def order_draft(
    order: WixOrder,
    *,
    location_id: str,
    currency: str,
    resolve: Resolve,
    region: str | None = None,
) -> MappedOrder | None:
    """The draft of a Wix order, or None when it has no restaurant items.

    ``currency`` is the location's: an order in another currency raises
    ``PermanentError("currency_mismatch")`` (the hub never converts or reprices).
    ``region`` (the location's country, ISO 3166 alpha-2) reads phones in national form.
    """
    lines = restaurant_lines(order)
    if not lines:
        return None
    if order.currency and order.currency.upper() != currency.upper():
        raise PermanentError(
            "currency_mismatch",
            f"the Wix order is in {order.currency}, the location sells in {currency}; "
            "orderbridge does not convert prices",
        )
    draft_lines = tuple(_line(line, location_id, currency, resolve) for line in lines)
    customer, problems = _customer(order, region)
    draft = OrderDraft(
        key=OrderKey(CHANNEL, order.id),
        location_id=location_id,
        items=draft_lines,
        customer=customer,
        fulfilment=_fulfilment(order),
        payment=_payment(order, currency),
        note=(order.buyerNote or "")[:500],
    )
    return MappedOrder(draft, problems)


def order_total(order: WixOrder, currency: str) -> Money:
    """What the whole Wix order costs: ``priceSummary.total``, else the deprecated
    ``priceSummary.totalPrice``, else the sum of the line totals."""
    summary = order.priceSummary
    for price in (summary.total, summary.totalPrice):
        if price is not None and price.amount not in ("", None):
            return money(price.amount, currency)
    return Money.total((_line_total(line, currency) for line in order.lineItems), currency)


def restaurant_share(order: WixOrder, currency: str) -> Money:
    """The part of the order's total that is the restaurant's: the total less the line
    totals of other apps' items (a Wix Stores mug is not paid to the kitchen). Shipping,
    discounts and tax stay with the restaurant's part."""
    others = Money.total(
        (_line_total(line, currency) for line in order.lineItems if not line.is_restaurant_item),
        currency,
    )
    total = order_total(order, currency)
    return total - others if others.amount <= total.amount else Money.zero(currency)


def _line_total(line: WixLineItem, currency: str) -> Money:
    if line.totalPriceAfterTax is not None:
        return money(line.totalPriceAfterTax.amount, currency)
    return money(line.price.amount, currency) * line.quantity


def _payment(order: WixOrder, currency: str) -> Payment:
    paid = order.paymentStatus == "PAID"
    status = PaymentStatus.PAID if paid else PaymentStatus.UNPAID
    return Payment(status, restaurant_share(order, currency))


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
        "wix_contact_id": order.buyerInfo.contactId or "",
        "wix_line_items": json.dumps(lines, separators=(",", ":")),
    }
    return {k: v for k, v in refs.items() if v}


def fulfilment_lines(refs: Mapping[str, str]) -> list[dict[str, object]]:
    """The whole order's restaurant lines, as a fulfilment names them."""
    lines = json.loads(refs.get("wix_line_items", "[]"))
    return [{"id": line["id"], "quantity": line["quantity"]} for line in lines]


def _catalog_id(line: WixLineItem) -> str:
    return line.catalogReference.catalogItemId if line.catalogReference else ""


def variant_of(line: WixLineItem) -> str | None:
    """The line's chosen variant: ``catalogReference.options.variantId``, where Wix
    writes the all-zero GUID (or nothing) for "no variant"."""
    options = line.catalogReference.options if line.catalogReference else {}
    value = options.get("variantId")
    if not isinstance(value, str) or not value.strip() or value.strip("0-") == "":
        return None
    return value


def _local(kind: str, wix_id: str, resolve: Resolve) -> str:
    found = resolve(kind, wix_id)
    return found.rsplit("/", 1)[-1] if found else f"{UNKNOWN_PREFIX}{wix_id}"


def _line(line: WixLineItem, location_id: str, currency: str, resolve: Resolve) -> DraftLine:
    wix_item = _catalog_id(line)
    variant = variant_of(line)
    modifiers = tuple(
        DraftModifier(
            modifier_id=_local("modifier", modifier.id, resolve),
            quantity=modifier.quantity or 1,
            unit_price=money(modifier.price.amount, currency) if modifier.price else None,
            name=modifier.label.original,
        )
        for group in line.modifierGroups
        for modifier in group.modifiers
    )
    # Wix's line price includes the modifiers; the draft's is the item's alone.
    unit = money(line.price.amount, currency) - Money.total(
        ((m.unit_price or Money.zero(currency)) * m.quantity for m in modifiers), currency
    )
    return DraftLine(
        item_id=_local("item", wix_item, resolve),
        quantity=line.quantity,
        variant_id=_local("variant", variant, resolve) if variant else None,
        modifiers=modifiers,
        unit_price=unit if unit.amount >= 0 else Money.zero(currency),
        name=line.productName.original,
    )


def _customer(order: WixOrder, region: str | None) -> tuple[Customer, tuple[str, ...]]:
    """The buyer, with the phone in E.164 (national numbers read in ``region``).

    A Wix checkout collects the phone as the buyer typed it (Wix's own examples carry
    ``"0555555555"``); the POS needs it whole, so a phone that cannot be made E.164 is
    a reason the order cannot go on (``phone_required``), naming where it was read.
    """
    contact = order.contact
    name = f"{contact.firstName or ''} {contact.lastName or ''}".strip()
    email = order.buyerInfo.email or None
    field = _phone_field(order)
    problems: tuple[str, ...] = ()
    try:
        phone = normalize_phone(contact.phone or "", region)
    except ValueError as exc:
        phone, problems = None, (f"phone_required at {field}: {exc}",)
    for mail in (email, None):
        try:
            return Customer(name=name, phone=phone, email=mail), problems
        except InvalidValueError:
            continue
    return Customer(name=name, phone=phone), problems


def _phone_field(order: WixOrder) -> str:
    billing = order.billingInfo.contactDetails
    if billing is not None and billing.phone:
        return "billingInfo.contactDetails.phone"
    destination = order.destination
    if destination is not None and destination.contactDetails and destination.contactDetails.phone:
        return "shippingInfo.logistics.shippingDestination.contactDetails.phone"
    return "billingInfo.contactDetails.phone"


def _fulfilment(order: WixOrder) -> Fulfilment:
    """Delivery to ``shippingDestination.address`` when it names a street, else pickup
    (restaurant pickups carry ``pickupDetails`` and no destination)."""
    destination = order.destination
    address = destination.address if destination is not None else None
    line1 = (address.addressLine or "").strip() if address is not None else ""
    if address is None or not line1:
        return Fulfilment(FulfilmentType.PICKUP)
    geocode = address.geocode
    return Fulfilment(
        FulfilmentType.DELIVERY,
        address=Address(
            line1=line1,
            line2=(address.addressLine2 or "").strip(),
            city=(address.city or "").strip(),
            postcode=(address.postalCode or "").strip(),
            lat=geocode.latitude if geocode else None,
            lng=geocode.longitude if geocode else None,
        ),
    )


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
    details: tuple[str, ...] = ()


def pos_external_id(external_order_id: str) -> str:
    """``channelInfo.externalOrderId`` of a register check mirrored into Wix."""
    return f"{POS_IMPORT_PREFIX}{external_order_id}"


def pos_order_body(
    lines: Sequence[PosLine],
    *,
    operation_id: str,
    business_location_id: str,
    external_order_id: str,
    paid: bool,
) -> dict[str, object]:
    """Create Order's ``order`` for a register check: restaurant catalog references
    (the sample flows' ``catalogItemId``, ``appId``, ``options.operationId``/
    ``menuId``/``sectionId``), the names and prices the register charged, and what Wix's
    Create Order requires (``itemType``, ``price``, ``taxDetails``, ``priceSummary``,
    ``channelInfo``, ``billingInfo.contactDetails.firstName``)."""
    currency = lines[0].unit_price.currency if lines else "UAH"
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
                "itemType": {"preset": "PHYSICAL"},
                "taxDetails": {"taxRate": "0"},
                "descriptionLines": [
                    {"name": {"original": "POS"}, "plainText": {"original": text}}
                    for text in line.details
                ],
                "catalogReference": {
                    "catalogItemId": line.wix_item_id,
                    "appId": RESTAURANTS_APP_ID,
                    "options": options,
                },
            }
        )
    total = Money.total((line.unit_price * line.quantity for line in lines), currency)
    amount = {"amount": str(total.to_decimal())}
    return {
        "lineItems": items,
        "channelInfo": {
            "type": "OTHER_PLATFORM",
            "externalOrderId": pos_external_id(external_order_id),
        },
        "status": "APPROVED",
        "paymentStatus": "PAID" if paid else "NOT_PAID",
        "currency": currency,
        "priceSummary": {"subtotal": amount, "total": amount},
        "billingInfo": {"contactDetails": {"firstName": "POS"}},
        "businessLocation": {"id": business_location_id},
    }
