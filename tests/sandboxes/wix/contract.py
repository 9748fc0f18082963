"""The Wix sandbox against Wix's documented shapes: paths, JSON types, the coverage table.

A JSON document's *shape* is the set of its paths with their JSON types, list items
folded into ``[]`` (``lineItems[].price.amount: string``). The fixtures in
``tests/payloads/wix`` have the shapes of Wix's published examples (sources in their
README); a sandbox reply conforms when

- every path it has is a documented path with the documented type (extra keys only
  where Wix's schema has them: the union of the fixtures of that object), and
- it has every path the fixture has, except the parts ``OPTIONAL`` names (present in
  Wix's examples only when the order has them: a coupon, a delivery destination …).

``python -m tests.sandboxes.wix.contract`` rewrites the coverage table in
``docs/wix-sandbox.md`` from :data:`COVERAGE`; a test checks the file matches.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.sandboxes.wix.payloads import fixture_names, wix_payload

Shape = dict[str, str]
DOC = Path(__file__).parents[3] / "docs" / "wix-sandbox.md"
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"
ORDERS_JSON = "wix-incubator/wix-rest-docs all/all-apis/orders.service.json"
FULFILLMENTS_JSON = "wix-incubator/wix-rest-docs all/all-apis/order-fulfillments.service.json"
LOCATIONS_JSON = "wix-incubator/wix-rest-docs all/all-apis/locations.service.json"
OPERATIONS_SDK = "npm @wix/auto_sdk_restaurants_operations 1.0.101"
MENUS_SDK = (
    "npm @wix/auto_sdk_restaurants_{menus 1.0.82, sections 1.0.74, items 1.0.89, "
    "item-variants 1.0.67, item-modifier-groups 1.0.75, item-modifiers 1.0.71}"
)
DOMAIN_EVENTS = "wix-incubator/wix-rest-docs guides/DomainEvents.md"


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape(value: Any, prefix: str = "") -> Shape:
    """Every path of ``value`` with its JSON type (free-form maps stay whole)."""
    paths: Shape = {prefix: json_type(value)} if prefix else {}
    if isinstance(value, dict) and not prefix.endswith(FREE_FORM):
        for key, item in value.items():
            paths |= shape(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for item in value:
            paths |= shape(item, f"{prefix}[]")
    return paths


# Maps whose keys are data, not schema (``catalogReference.options`` is
# ``Record<string, any>`` in Wix's types).
FREE_FORM = ("catalogReference.options",)

# Parts of an order Wix's examples carry only when the order has them.
OPTIONAL = (
    "appliedDiscounts[]",
    "lineItems[].modifierGroups",
    "lineItems[].descriptionLines[]",
    "lineItems[].image",
    "lineItems[].physicalProperties",
    "lineItems[].digitalFile",
    "lineItems[].fulfillerId",
    "buyerInfo.visitorId",
    "buyerInfo.memberId",
    "buyerInfo.email",
    "billingInfo.address",
    "billingInfo.contactDetails.company",
    "billingInfo.contactDetails.lastName",
    "shippingInfo",
    "createdBy",
    "checkoutId",
    "cartId",
    "purchaseFlowId",
    "siteLanguage",
    "recipientInfo",
    "buyerNote",
    "channelInfo.externalOrderId",
    "businessLocation",
    "fulfillments[].trackingInfo",
    "locations[].fax",
    "locations[].address.hint",
    "location.fax",
    "location.address.hint",
    "pagingMetadata.cursors.next",
)
# Order paths no example shows but Wix's Order type has (npm @wix/auto_sdk_ecom_orders
# 1.0.300, ``CreatedBy``): who created an order made through the API by an app.
SDK_ORDER_PATHS: Shape = {"createdBy.appId": "string"}
ORDER_FIXTURES = (
    "order_object",
    "get_order_response",
    "create_order_response",
    "cancel_order_response",
)


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[]")) for p in prefixes)


def order_shape() -> Shape:
    """Every documented path of an order (the union over the order fixtures)."""
    union: Shape = dict(SDK_ORDER_PATHS)
    for name in ORDER_FIXTURES:
        document = wix_payload(name)
        union |= shape(document.get("order", document))
    for name in fixture_names():
        if name.startswith("event_order_"):
            union |= shape(_event_order(wix_payload(name)))
    return union


def _event_order(event: dict[str, Any]) -> Any:
    for holder, key in (("createdEvent", "entity"), ("updatedEvent", "currentEntity")):
        if holder in event:
            return event[holder][key]
    return event["actionEvent"]["body"]["order"]


def problems(reply: Shape, documented: Shape, *, optional: Iterable[str] = OPTIONAL) -> list[str]:
    """Where ``reply`` departs from ``documented``: extra paths, other types, missing."""
    optional = tuple(optional)
    found = []
    for path, kind in sorted(reply.items()):
        if path not in documented:
            if not _under(path, FREE_FORM):
                found.append(f"undocumented {path} ({kind})")
        elif documented[path] != kind and "null" not in (kind, documented[path]):
            found.append(f"{path} is {kind}, documented {documented[path]}")
    for path in sorted(documented):
        if path in reply or _under(path, optional) or _under(path, FREE_FORM):
            continue
        array = path[: path.rfind("[]")] if "[]" in path else None
        if array is not None and reply.get(array) == "array" and not _has_items(reply, array):
            continue  # an empty list has no item paths
        found.append(f"missing {path}")
    return found


def _has_items(reply: Shape, array: str) -> bool:
    return any(path.startswith(array + "[]") for path in reply)


def conforms(reply: Any, fixture: str, *, order_at: str | None = None) -> list[str]:
    """Problems of ``reply`` against fixture ``fixture``; ``order_at`` is where an
    order sits in both (compared with every documented order path)."""
    documented = shape(wix_payload(fixture))
    got = shape(reply)
    if order_at is None:
        return problems(got, documented)
    documented_rest = {k: v for k, v in documented.items() if not _under(k, [order_at])}
    got_rest = {k: v for k, v in got.items() if not _under(k, [order_at])}
    prefix = f"{order_at}."
    got_order = {k[len(prefix) :]: v for k, v in got.items() if k.startswith(prefix)}
    order_problems = problems(got_order, order_shape())
    return problems(got_rest, documented_rest) + [f"{order_at}: {p}" for p in order_problems]


@dataclass(frozen=True)
class Covered:
    """One row of the coverage table."""

    what: str
    source: str
    test: str
    notes: str = ""


COVERAGE: tuple[Covered, ...] = (
    Covered("List Locations", LOCATIONS_JSON, "test_list_and_get_location_conform"),
    Covered("Get Location", LOCATIONS_JSON, "test_list_and_get_location_conform"),
    Covered(
        "Create Order",
        ORDERS_JSON,
        "test_create_order_accepts_wix_s_example_and_keeps_line_fields",
        "restaurant lines need a published item; `image`, `totalDiscount` … kept",
    ),
    Covered(
        "Create Order (Wix's example as published)",
        ORDERS_JSON,
        "test_wix_s_own_example_with_its_spellings_and_currency_is_accepted",
        "USD, Stores and Bookings lines, `payment_status` / `item_type` spellings",
    ),
    Covered(
        "Get Order",
        ORDERS_JSON,
        "test_get_order_conforms_with_consistent_computed_fields",
        "priceSummary, payNow, taxSummary, balanceSummary agree",
    ),
    Covered("Cancel Order", ORDERS_JSON, "test_cancel_order_conforms"),
    Covered(
        "Create Fulfillment",
        f"{FULFILLMENTS_JSON}; npm @wix/auto_sdk_ecom_order-fulfillments 1.0.65",
        "test_fulfillments_conform_and_update_merges_tracking",
        "a restaurant fulfilment covers every restaurant line and starts Pending",
    ),
    Covered(
        "Update Fulfillment",
        f"{FULFILLMENTS_JSON}; npm @wix/auto_sdk_ecom_order-fulfillments 1.0.65",
        "test_fulfillments_conform_and_update_merges_tracking",
        "trackingInfo merged field by field",
    ),
    Covered(
        "List Fulfillments For Single Order",
        FULFILLMENTS_JSON,
        "test_fulfillments_conform_and_update_merges_tracking",
    ),
    Covered("Get / List Operations", OPERATIONS_SDK, "test_operations_conform"),
    Covered("Update Operation", OPERATIONS_SDK, "test_operations_conform"),
    Covered(
        "Menus, Sections, Items, Item Variants, Modifier Groups, Modifiers: Create, Get, "
        "List, Update",
        MENUS_SDK,
        "test_menu_entities_conform",
        "no REST example is published; `revision` strings, `businessLocationId(s)`",
    ),
    Covered("Bulk Create Items", MENUS_SDK, "test_menu_entities_conform"),
    Covered(
        "Search Orders",
        f"{ORDERS_JSON}; npm @wix/auto_sdk_ecom_orders 1.0.300",
        "test_search_orders_finds_an_order_by_its_external_id",
        "which filter fields Wix supports is *unconfirmed*",
    ),
    Covered("Webhook envelope (JWT)", DOMAIN_EVENTS, "test_every_event_conforms"),
    Covered("Order Created", ORDERS_JSON, "test_every_event_conforms", "entityEventSequence"),
    Covered("Order Approved", ORDERS_JSON, "test_every_event_conforms"),
    Covered(
        "Payment Status Updated",
        ORDERS_JSON,
        "test_every_event_conforms",
        "fired by the control call POST /_sandbox/orders/{id}/pay",
    ),
    Covered(
        "Fulfillment Status Updated",
        ORDERS_JSON,
        "test_every_event_conforms",
        "slug `fulfilled`; fired when the order's fulfillmentStatus changes",
    ),
    Covered("Order Updated", ORDERS_JSON, "test_every_event_conforms", "after every change"),
    Covered(
        "Order Canceled",
        ORDERS_JSON,
        "test_every_event_conforms",
        "restockAllItems, sendOrderCanceledEmail, customMessage from the request",
    ),
)


def coverage_table() -> str:
    rows = [
        "| operation / event | documented source | covered by | notes |",
        "|---|---|---|---|",
    ]
    for row in COVERAGE:
        test = f"`tests/sandboxes/wix/test_contract.py::{row.test}`"
        rows.append(f"| {row.what} | {row.source} | {test} | {row.notes} |")
    return "\n".join(rows)


def with_table(document: str) -> str:
    """``document`` with the generated table between its coverage markers."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{BEGIN}\n{coverage_table()}\n{END}", document)


if __name__ == "__main__":
    DOC.write_text(with_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"wrote the coverage table into {DOC}\n")
