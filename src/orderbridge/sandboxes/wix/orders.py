"""eCommerce orders: Create Order, Get Order, Cancel Order and the events they fire.

Orders created through the API fire Order Created and, when their status is
``APPROVED``, Order Approved, as checkout orders do: a hub that imports POS orders
into Wix hears of them again and must recognise its own (by ``channelInfo``).
Whether Create Order defaults to ``APPROVED`` is *unconfirmed*; the sandbox does, and
takes ``order.status`` ``INITIALIZED`` for an order that waits for payment.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from orderbridge.sandboxes.wix.errors import failed_precondition, invalid, not_found
from orderbridge.sandboxes.wix.events import WixEvent, order_event
from orderbridge.sandboxes.wix.formats import parse_amount, price, wix_time
from orderbridge.sandboxes.wix.order_lines import RESTAURANTS_APP_ID, build_line
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.state import StoredOrder

CHANNEL_TYPES = frozenset(
    {
        "UNSPECIFIED",
        "WEB",
        "POS",
        "EBAY",
        "AMAZON",
        "OTHER_PLATFORM",
        "WIX_APP_STORE",
        "WIX_INVOICES",
        "BACKOFFICE_MERCHANT",
        "WISH",
        "CLASS_PASS",
        "GLOBAL_E",
        "FACEBOOK",
        "ETSY",
        "TIKTOK",
        "FAIRE",
    }
)
PAYMENT_STATUSES = frozenset(
    {"NOT_PAID", "PAID", "PARTIALLY_PAID", "PENDING", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"}
)
MAX_LINE_ITEMS = 300


def _choice(given: dict[str, Any], field: str, allowed: frozenset[str], default: str) -> str:
    value = given.get(field, default)
    if value not in allowed:
        raise invalid(f"order.{field}", f"must be one of {sorted(allowed)}")
    return str(value)


def _location(sandbox: WixSandbox, given: dict[str, Any], lines: list[Any]) -> dict[str, str]:
    """The order's business location: as given, or the restaurant operation's."""
    location_id = (given.get("businessLocation") or {}).get("id") or given.get("businessLocationId")
    if location_id is None:
        for line in lines:
            ref = line.get("catalogReference") or {}
            if ref.get("appId") == RESTAURANTS_APP_ID:
                location_id = sandbox.world.operations[
                    ref["options"]["operationId"]
                ].business_location_id
                break
    if location_id is None:
        return {}
    location = sandbox.world.locations.get(str(location_id))
    if location is None:
        raise invalid("order.businessLocation.id", "names no business location", "REFERENCE")
    return {"id": location.id, "name": str(location.data.get("name", ""))}


def build_order(sandbox: WixSandbox, given: Any) -> dict[str, Any]:
    """A complete order from Create Order's ``order`` object; nothing is stored yet."""
    if not isinstance(given, dict):
        raise invalid("order", "is required", "REQUIRED_FIELD")
    world = sandbox.world
    currency = world.site.currency
    if given.get("currency", currency) != currency:
        raise invalid("order.currency", f"the site's currency is {currency}")
    raw_lines = given.get("lineItems")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise invalid("order.lineItems", "must hold at least one line item", "REQUIRED_FIELD")
    if len(raw_lines) > MAX_LINE_ITEMS:
        raise invalid("order.lineItems", f"must hold at most {MAX_LINE_ITEMS}", "MAX_ITEMS")
    lines = [build_line(world, line, i, currency) for i, line in enumerate(raw_lines)]
    if len({line["id"] for line in lines}) != len(lines):
        raise invalid("order.lineItems", "line item ids must be unique")
    channel = given.get("channelInfo") or {"type": "OTHER_PLATFORM"}
    if not isinstance(channel, dict) or channel.get("type") not in CHANNEL_TYPES:
        raise invalid("order.channelInfo.type", f"must be one of {sorted(CHANNEL_TYPES)}")
    status = _choice(given, "status", frozenset({"INITIALIZED", "APPROVED"}), "APPROVED")
    payment = _choice(given, "paymentStatus", PAYMENT_STATUSES, "NOT_PAID")
    shipping_info = given.get("shippingInfo") or {}
    cost = ((shipping_info.get("cost") or {}).get("price") or {}).get("amount", "0")
    shipping = parse_amount(cost, "order.shippingInfo.cost.price.amount")
    given_discount = ((given.get("priceSummary") or {}).get("discount") or {}).get("amount", "0")
    discount = parse_amount(given_discount, "order.priceSummary.discount.amount")
    subtotal = sum((Decimal(line["totalPriceAfterTax"]["amount"]) for line in lines), Decimal(0))
    now = wix_time(sandbox.now())
    buyer = dict(given.get("buyerInfo") or {})
    buyer.setdefault("contactId", str(uuid.uuid4()))
    order: dict[str, Any] = {
        "id": sandbox.new_id(),
        "number": str(world.next_order_number),
        "createdDate": now,
        "updatedDate": now,
        "status": status,
        "paymentStatus": payment,
        "fulfillmentStatus": "NOT_FULFILLED",
        "currency": currency,
        "taxIncludedInPrices": True,
        "weightUnit": "KG",
        "lineItems": lines,
        "priceSummary": {
            "subtotal": price(subtotal, currency),
            "shipping": price(shipping, currency),
            "tax": price(Decimal(0), currency),
            "discount": price(discount, currency),
            "total": price(max(subtotal + shipping - discount, Decimal(0)), currency),
        },
        "buyerInfo": buyer,
        "billingInfo": given.get("billingInfo") or {},
        "shippingInfo": shipping_info | {"cost": {"price": price(shipping, currency)}},
        "channelInfo": channel,
        "buyerNote": given.get("buyerNote"),
        "businessLocation": _location(sandbox, given, lines) or None,
        "archived": False,
    }
    return {k: v for k, v in order.items() if v is not None}


def place_order(sandbox: WixSandbox, order: dict[str, Any]) -> list[WixEvent]:
    """Store a built order; the events it fires: Created, then Approved if approved."""
    sandbox.world.orders[order["id"]] = StoredOrder(order=order)
    sandbox.world.next_order_number += 1
    sandbox.dirty = True
    now = sandbox.now()
    events = [order_event("created", order, now)]
    if order["status"] == "APPROVED":
        events.append(order_event("approved", order, now))
    return events


def stored(sandbox: WixSandbox, order_id: str) -> StoredOrder:
    found = sandbox.world.orders.get(order_id)
    if found is None:
        raise not_found("Order", order_id)
    return found


def cancel_order(sandbox: WixSandbox, order_id: str) -> tuple[dict[str, Any], list[WixEvent]]:
    """Cancel Order: status ``CANCELED`` and the Order Canceled event; 428 if already."""
    record = stored(sandbox, order_id)
    order = record.order
    if order["status"] == "CANCELED":
        raise failed_precondition("ORDER_ALREADY_CANCELED", f"Order {order_id} is canceled")
    order["status"] = "CANCELED"
    order["updatedDate"] = wix_time(sandbox.now())
    sandbox.dirty = True
    return order, [order_event("canceled", order, sandbox.now())]
