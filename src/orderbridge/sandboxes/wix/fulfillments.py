"""Order Fulfillments: create, update, delete and list the fulfilments of an order.

A fulfilment lists line items and quantities, optional ``trackingInfo``, a ``status``
and ``completed``. For restaurant orders the fulfilment is what puts the order on the
restaurant's orders board; it starts ``Pending`` whatever the caller sends, covers
every restaurant line item in full, and its line items cannot change afterwards
(delete and recreate). The restaurant statuses after ``Pending`` are Wix's
``Accepted``, ``Ready``, ``In_Delivery`` and ``Fulfilled`` (the list is
*unconfirmed* for restaurants, and enforced here so a typo shows). The order's
``fulfillmentStatus`` follows eCommerce's quantity rule: all quantities in some
fulfilment → ``FULFILLED``, some → ``PARTIALLY_FULFILLED``; when it changes, the order
fires Fulfillment Status Updated (slug ``fulfilled``, with
``previousFulfillmentStatus``, ``newFulfillmentStatus`` and ``action``, as Wix's
example) and Order Updated. Update Fulfillment merges ``trackingInfo`` field by field
(a PATCH): a new ``trackingNumber`` keeps the ``trackingLink`` already there.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from orderbridge.sandboxes.wix.errors import failed_precondition, invalid, not_found
from orderbridge.sandboxes.wix.events import WixEvent
from orderbridge.sandboxes.wix.formats import wix_time
from orderbridge.sandboxes.wix.order_lines import RESTAURANTS_APP_ID
from orderbridge.sandboxes.wix.orders import activity, events_of, stored, touched
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.state import StoredOrder

RESTAURANT_STATUSES = ("Pending", "Accepted", "Ready", "In_Delivery", "Fulfilled")


def _is_restaurant(line: dict[str, Any]) -> bool:
    return (line.get("catalogReference") or {}).get("appId") == RESTAURANTS_APP_ID


def _restaurant_lines(record: StoredOrder) -> list[dict[str, Any]]:
    return [line for line in record.order["lineItems"] if _is_restaurant(line)]


def _fulfilled(record: StoredOrder, skip: str | None = None) -> Counter[str]:
    counts: Counter[str] = Counter()
    for fulfillment in record.fulfillments:
        if fulfillment["id"] != skip:
            for line in fulfillment["lineItems"]:
                counts[line["id"]] += line["quantity"]
    return counts


def _refresh_status(sandbox: WixSandbox, record: StoredOrder) -> list[WixEvent]:
    """Set the order's ``fulfillmentStatus``; the events a change fires."""
    done = _fulfilled(record)
    lines = record.order["lineItems"]
    if all(done[line["id"]] >= line["quantity"] for line in lines):
        status = "FULFILLED"
    elif any(done[line["id"]] for line in lines):
        status = "PARTIALLY_FULFILLED"
    else:
        status = "NOT_FULFILLED"
    order = record.order
    previous = order["fulfillmentStatus"]
    if previous == status:
        return []
    order["fulfillmentStatus"] = status
    if status in ("FULFILLED", "NOT_FULFILLED"):
        order["activities"].append(activity(sandbox, f"ORDER_{status}"))
    touched(sandbox, order)
    action = "markAsFulfilled" if status == "FULFILLED" else "markAsUnfulfilled"
    changed = events_of(
        sandbox,
        "fulfilled",
        order,
        previousFulfillmentStatus=previous,
        newFulfillmentStatus=status,
        action=action,
    )
    return [changed, events_of(sandbox, "updated", order)]


def _line_items(record: StoredOrder, given: Any) -> list[dict[str, Any]]:
    if not isinstance(given, list) or not given:
        raise invalid("fulfillment.lineItems", "must list the line items", "REQUIRED_FIELD")
    quantities = {line["id"]: line["quantity"] for line in record.order["lineItems"]}
    done = _fulfilled(record)
    result: list[dict[str, Any]] = []
    for index, line in enumerate(given):
        where = f"fulfillment.lineItems[{index}]"
        if not isinstance(line, dict) or line.get("id") not in quantities:
            raise invalid(f"{where}.id", "names no line item of the order", "REFERENCE")
        quantity = line.get("quantity", quantities[line["id"]] - done[line["id"]])
        left = quantities[line["id"]] - done[line["id"]]
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= left:
            raise invalid(f"{where}.quantity", f"must be from 1 to the {left} not yet fulfilled")
        result.append({"id": line["id"], "quantity": quantity})
    return result


def with_fulfillments(record: StoredOrder) -> dict[str, Any]:
    """Wix's ``orderWithFulfillments``."""
    return {"orderId": record.order["id"], "fulfillments": record.fulfillments}


def create(sandbox: WixSandbox, order_id: str, given: Any) -> tuple[dict[str, Any], list[WixEvent]]:
    record = stored(sandbox, order_id)
    if record.order["status"] == "CANCELED":
        raise failed_precondition("ORDER_CANCELED", f"Order {order_id} is canceled")
    if not isinstance(given, dict):
        raise invalid("fulfillment", "is required", "REQUIRED_FIELD")
    lines = _line_items(record, given.get("lineItems"))
    covered = {line["id"]: line["quantity"] for line in lines}
    restaurant = _restaurant_lines(record)
    touches_restaurant = any(line["id"] in covered for line in restaurant)
    if touches_restaurant and any(covered.get(r["id"]) != r["quantity"] for r in restaurant):
        raise invalid(
            "fulfillment.lineItems",
            "a restaurant fulfillment covers every restaurant line item in full",
        )
    status = "Pending" if touches_restaurant else given.get("status")
    fulfillment: dict[str, Any] = {
        "id": sandbox.new_id(),
        "createdDate": wix_time(sandbox.now()),
        "lineItems": lines,
        "trackingInfo": _tracking(given.get("trackingInfo")),
        "status": status,
        "completed": False,
    }
    record.fulfillments.append({k: v for k, v in fulfillment.items() if v is not None})
    sandbox.dirty = True
    events = _refresh_status(sandbox, record)
    answer = {
        "orderWithFulfillments": with_fulfillments(record),
        "fulfillmentId": fulfillment["id"],
    }
    return answer, events


TRACKING_FIELDS = ("trackingNumber", "shippingProvider", "trackingLink")


def _tracking(value: Any) -> dict[str, Any] | None:
    """``trackingInfo``: ``trackingNumber``, ``shippingProvider``, ``trackingLink``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("fulfillment.trackingInfo", "must be an object", "TYPE")
    for key, text in value.items():
        if key not in TRACKING_FIELDS:
            raise invalid(f"fulfillment.trackingInfo.{key}", "is not a tracking field")
        if not isinstance(text, str) or not 1 <= len(text) <= 2048:
            raise invalid(f"fulfillment.trackingInfo.{key}", "must be a non-empty string")
    return dict(value)


def _find(record: StoredOrder, fulfillment_id: str) -> dict[str, Any]:
    found = next((f for f in record.fulfillments if f["id"] == fulfillment_id), None)
    if found is None:
        raise not_found("Fulfillment", fulfillment_id)
    return found


def update(
    sandbox: WixSandbox, order_id: str, fulfillment_id: str, given: Any
) -> tuple[dict[str, Any], list[WixEvent]]:
    """Change status, tracking (merged) or ``completed``; line items stay as they are."""
    record = stored(sandbox, order_id)
    fulfillment = _find(record, fulfillment_id)
    if not isinstance(given, dict):
        raise invalid("fulfillment", "is required", "REQUIRED_FIELD")
    if "lineItems" in given:
        wanted = [
            {"id": line.get("id"), "quantity": line.get("quantity")} for line in given["lineItems"]
        ]
        if wanted != fulfillment["lineItems"]:
            raise invalid(
                "fulfillment.lineItems",
                "line items and quantities cannot change; delete the fulfillment, create anew",
                "IMMUTABLE",
            )
    if "status" in given and given["status"] not in RESTAURANT_STATUSES:
        raise invalid("fulfillment.status", f"must be one of {list(RESTAURANT_STATUSES)}")
    if "completed" in given and not isinstance(given["completed"], bool):
        raise invalid("fulfillment.completed", "must be a boolean", "TYPE")
    for field in ("status", "completed"):
        if field in given:
            fulfillment[field] = given[field]
    tracking = _tracking(given.get("trackingInfo"))
    if tracking is not None:
        fulfillment["trackingInfo"] = {**(fulfillment.get("trackingInfo") or {}), **tracking}
    sandbox.dirty = True
    events = _refresh_status(sandbox, record)
    return {"orderWithFulfillments": with_fulfillments(record)}, events


def delete(
    sandbox: WixSandbox, order_id: str, fulfillment_id: str
) -> tuple[dict[str, Any], list[WixEvent]]:
    record = stored(sandbox, order_id)
    record.fulfillments.remove(_find(record, fulfillment_id))
    sandbox.dirty = True
    events = _refresh_status(sandbox, record)
    return {"orderWithFulfillments": with_fulfillments(record)}, events


def listing(sandbox: WixSandbox, order_id: str) -> dict[str, Any]:
    return {"orderWithFulfillments": with_fulfillments(stored(sandbox, order_id))}
