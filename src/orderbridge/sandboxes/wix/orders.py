"""eCommerce orders: Create Order, Get Order, Cancel Order, a payment, and the events.

Orders carry the documented order object (Wix's Get Order and event examples): the
lines, ``buyerInfo``, ``billingInfo``, ``shippingInfo``, ``channelInfo``, the statuses,
``activities`` and the computed summaries (``order_totals``). Create Order takes Wix's
own example as it is published: any ISO currency, every documented line field, and the
snake_case spellings the example uses (``payment_status``, ``item_type``); read-only
and unknown fields are not echoed.

Events follow Wix's documented payloads: Order Created (``createdEvent.entity``) and,
for an approved order, Order Approved; Order Canceled carries ``restockAllItems``,
``sendOrderCanceledEmail`` and ``customMessage`` from the Cancel Order request; Payment
Status Updated carries ``previousPaymentStatus``; every change also fires Order
Updated (``updatedEvent.currentEntity``). Each event of an order has the next
``entityEventSequence``. API-created orders fire them too: a hub that imports POS
orders into Wix hears of them again and must recognise its own (``channelInfo``).
Whether Create Order defaults to ``APPROVED`` is *unconfirmed*; the sandbox does, and
takes ``INITIALIZED`` for an order that waits for payment.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from orderbridge.sandboxes.wix.errors import failed_precondition, invalid, not_found
from orderbridge.sandboxes.wix.events import WixEvent, order_event
from orderbridge.sandboxes.wix.formats import wix_time
from orderbridge.sandboxes.wix.order_lines import RESTAURANTS_APP_ID, build_line
from orderbridge.sandboxes.wix.order_totals import refresh_totals, shipping_cost
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
_CURRENCY = re.compile(r"[A-Z]{3}")
# Order fields a creator may set, kept as given (the rest is computed or read-only).
KEPT_FIELDS = (
    "billingInfo",
    "buyerNote",
    "buyerLanguage",
    "weightUnit",
    "appliedDiscounts",
    "customFields",
    "recipientInfo",
    "attributionSource",
)


@dataclass(frozen=True)
class CheckoutDetails:
    """What a checkout (not Create Order) knows: its ids, the visitor, the chosen
    modifiers of each line (``modifierGroups`` is read-only in Create Order)."""

    visitor_id: str
    checkout_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    cart_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    modifiers: tuple[list[Any], ...] = ()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel_keys(given: dict[str, Any]) -> dict[str, Any]:
    """Proto JSON accepts a field's snake_case name too (Wix's own Create Order example
    sends ``payment_status`` and ``item_type``)."""
    return {(_camel(k) if "_" in k else k): v for k, v in given.items()}


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


def activity(sandbox: WixSandbox, kind: str) -> dict[str, str]:
    return {"id": sandbox.new_id(), "createdDate": wix_time(sandbox.now()), "type": kind}


def build_order(
    sandbox: WixSandbox, given: Any, checkout: CheckoutDetails | None = None
) -> dict[str, Any]:
    """A complete order from Create Order's ``order`` object; nothing is stored yet."""
    if not isinstance(given, dict):
        raise invalid("order", "is required", "REQUIRED_FIELD")
    given = _camel_keys(given)
    world = sandbox.world
    currency = given.get("currency", world.site.currency)
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise invalid("order.currency", "must be a three-letter ISO 4217 code")
    tax_included = given.get("taxIncludedInPrices", True)
    if not isinstance(tax_included, bool):
        raise invalid("order.taxIncludedInPrices", "must be a boolean", "TYPE")
    raw_lines = given.get("lineItems")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise invalid("order.lineItems", "must hold at least one line item", "REQUIRED_FIELD")
    if len(raw_lines) > MAX_LINE_ITEMS:
        raise invalid("order.lineItems", f"must hold at most {MAX_LINE_ITEMS}", "MAX_ITEMS")
    chosen = checkout.modifiers if checkout else ()
    lines = [
        build_line(
            world,
            _camel_keys(line) if isinstance(line, dict) else line,
            i,
            currency,
            tax_included=tax_included,
            chosen_modifiers=chosen[i] if i < len(chosen) else None,
        )
        for i, line in enumerate(raw_lines)
    ]
    if len({line["id"] for line in lines}) != len(lines):
        raise invalid("order.lineItems", "line item ids must be unique")
    channel = given.get("channelInfo") or {"type": "OTHER_PLATFORM"}
    if not isinstance(channel, dict) or channel.get("type") not in CHANNEL_TYPES:
        raise invalid("order.channelInfo.type", f"must be one of {sorted(CHANNEL_TYPES)}")
    status = _choice(given, "status", frozenset({"INITIALIZED", "APPROVED"}), "APPROVED")
    payment = _choice(given, "paymentStatus", PAYMENT_STATUSES, "NOT_PAID")
    shipping_info = dict(given.get("shippingInfo") or {})
    if not isinstance(given.get("shippingInfo") or {}, dict):
        raise invalid("order.shippingInfo", "must be an object", "TYPE")
    now = wix_time(sandbox.now())
    buyer = dict(given.get("buyerInfo") or {})
    buyer.setdefault("contactId", str(uuid.uuid4()))
    if checkout is not None:
        buyer.setdefault("visitorId", checkout.visitor_id)
    order: dict[str, Any] = {
        "id": sandbox.new_id(),
        "number": str(world.next_order_number),
        "createdDate": now,
        "updatedDate": now,
        "lineItems": lines,
        "buyerInfo": buyer,
        "paymentStatus": payment,
        "fulfillmentStatus": "NOT_FULFILLED",
        "buyerLanguage": "uk",
        "weightUnit": "KG",
        "currency": currency,
        "taxIncludedInPrices": tax_included,
        **{key: given[key] for key in KEPT_FIELDS if key in given},
        "shippingInfo": {**shipping_info, "cost": shipping_cost(shipping_info, currency)}
        if shipping_info
        else None,
        "status": status,
        "archived": False,
        "appliedDiscounts": given.get("appliedDiscounts") or [],
        "activities": [activity(sandbox, "ORDER_PLACED")],
        "attributionSource": given.get("attributionSource", "UNSPECIFIED"),
        "createdBy": {"visitorId": checkout.visitor_id}
        if checkout
        else {"appId": world.site.app_id},
        "channelInfo": channel,
        "seenByAHuman": False,
        "customFields": given.get("customFields") or [],
        "additionalFees": [],
        "businessLocation": _location(sandbox, given, lines) or None,
    }
    if checkout is not None:
        order |= {
            "checkoutId": checkout.checkout_id,
            "cartId": checkout.cart_id,
            "purchaseFlowId": checkout.checkout_id,
        }
    if payment == "PAID":
        order["activities"].append(activity(sandbox, "ORDER_PAID"))
    order = {k: v for k, v in order.items() if v is not None}
    refresh_totals(order)
    return order


def events_of(sandbox: WixSandbox, slug: str, order: dict[str, Any], **extra: Any) -> WixEvent:
    """An event about ``order`` with the next ``entityEventSequence`` of the order."""
    return order_event(
        slug, order, sandbox.now(), sequence=sandbox.next_sequence(order["id"]), extra=extra
    )


def place_order(sandbox: WixSandbox, order: dict[str, Any]) -> list[WixEvent]:
    """Store a built order; the events it fires: Created, then Approved if approved."""
    sandbox.world.orders[order["id"]] = StoredOrder(order=order)
    sandbox.world.next_order_number += 1
    sandbox.dirty = True
    events = [events_of(sandbox, "created", order)]
    if order["status"] == "APPROVED":
        events.append(events_of(sandbox, "approved", order))
    return events


def stored(sandbox: WixSandbox, order_id: str) -> StoredOrder:
    found = sandbox.world.orders.get(order_id)
    if found is None:
        raise not_found("Order", order_id)
    return found


def touched(sandbox: WixSandbox, order: dict[str, Any]) -> None:
    order["updatedDate"] = wix_time(sandbox.now())
    refresh_totals(order)
    sandbox.dirty = True


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise invalid(name, "must be a boolean", "TYPE")
    return value


def cancel_order(
    sandbox: WixSandbox, order_id: str, body: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[WixEvent]]:
    """Cancel Order: status ``CANCELED``, Order Canceled (with the request's options)
    and Order Updated; 428 if it is canceled already."""
    body = body or {}
    restock, email = _flag(body, "restockAllItems"), _flag(body, "sendOrderCanceledEmail")
    message = body.get("customMessage")
    if message is not None and not isinstance(message, str):
        raise invalid("customMessage", "must be a string", "TYPE")
    record = stored(sandbox, order_id)
    order = record.order
    if order["status"] == "CANCELED":
        raise failed_precondition("ORDER_ALREADY_CANCELED", f"Order {order_id} is canceled")
    order["status"] = "CANCELED"
    order["activities"].append(activity(sandbox, "ORDER_CANCELED"))
    touched(sandbox, order)
    canceled = events_of(
        sandbox,
        "canceled",
        order,
        restockAllItems=restock,
        sendOrderCanceledEmail=email,
        customMessage=message or "",
    )
    return order, [canceled, events_of(sandbox, "updated", order)]


def pay_order(sandbox: WixSandbox, order_id: str) -> tuple[dict[str, Any], list[WixEvent]]:
    """The buyer's payment went through (what Wix's cashier does; a control call here):
    ``PAID``, Payment Status Updated, Order Approved if it waited for it, Updated."""
    order = stored(sandbox, order_id).order
    if order["status"] == "CANCELED":
        raise failed_precondition("ORDER_CANCELED", f"Order {order_id} is canceled")
    previous = order["paymentStatus"]
    if previous == "PAID":
        return order, []
    order["paymentStatus"] = "PAID"
    order["activities"].append(activity(sandbox, "ORDER_PAID"))
    approved = order["status"] == "INITIALIZED"
    order["status"] = "APPROVED"
    touched(sandbox, order)
    events = [events_of(sandbox, "payment_status_updated", order, previousPaymentStatus=previous)]
    if approved:
        events.append(events_of(sandbox, "approved", order))
    return order, [*events, events_of(sandbox, "updated", order)]


SEARCH_FIELDS = ("id", "number", "status", "paymentStatus", "channelInfo.externalOrderId")


def _field(order: dict[str, Any], path: str) -> Any:
    value: Any = order
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _matches(order: dict[str, Any], filters: dict[str, Any]) -> bool:
    for path, wanted in filters.items():
        value = _field(order, path)
        condition = wanted if isinstance(wanted, dict) else {"$eq": wanted}
        for operator, operand in condition.items():
            if operator == "$eq" and value != operand:
                return False
            if operator == "$ne" and value == operand:
                return False
            if operator == "$in" and value not in (operand or []):
                return False
    return True


def search_orders(sandbox: WixSandbox, search: Any) -> dict[str, Any]:
    """Search Orders: newest first, ``INITIALIZED`` hidden unless the filter names a
    status, equality filters (``$eq``, ``$ne``, ``$in``) on a few fields, cursor paging
    by ``limit`` (the next cursor is the offset)."""
    search = search if isinstance(search, dict) else {}
    filters = search.get("filter") or {}
    if not isinstance(filters, dict):
        raise invalid("search.filter", "must be an object", "TYPE")
    unknown = sorted(set(filters) - set(SEARCH_FIELDS))
    if unknown:
        raise invalid(f"search.filter.{unknown[0]}", "is not a supported filter field")
    paging = search.get("cursorPaging") or {}
    limit = paging.get("limit", 100)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
        raise invalid("search.cursorPaging.limit", "must be from 1 to 100")
    cursor = str(paging.get("cursor") or "0")
    start = int(cursor) if cursor.isdigit() else 0
    found = [
        record.order
        for record in sandbox.world.orders.values()
        if _matches(record.order, filters)
        and ("status" in filters or record.order["status"] != "INITIALIZED")
    ]
    found.sort(key=lambda order: order["createdDate"], reverse=True)
    page = found[start : start + limit]
    more = start + limit < len(found)
    return {
        "orders": page,
        "metadata": {
            "count": len(page),
            "cursors": {"next": str(start + limit)} if more else {},
            "hasNext": more,
        },
    }
