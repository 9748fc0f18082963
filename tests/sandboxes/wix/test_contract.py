"""The Wix sandbox against Wix's published examples (``tests/payloads/wix``): each
documented request is accepted, and each reply and event has the documented keys with
the documented JSON types, nothing Wix's schema lacks (see ``contract.py``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import LOCATION_ID, OPERATION_ID
from tests.sandboxes.wix.contract import (
    BEGIN,
    COVERAGE,
    DOC,
    END,
    conforms,
    order_shape,
    problems,
    shape,
    with_table,
)
from tests.sandboxes.wix.payloads import wix_payload
from tests.sandboxes.wix.support import AUTH, fresh_world, ok, publish_menu

Live = tuple[TestClient, WixSandbox, dict[str, str]]
BOOKINGS_APP_ID = "13d21c63-b5ec-5912-8397-c3a5ddb27a97"
STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e"


@pytest.fixture
def live() -> Live:
    sandbox = WixSandbox(fresh_world())
    client = TestClient(create_app(sandbox))
    return client, sandbox, publish_menu(client)


def _events(client: TestClient) -> list[dict[str, Any]]:
    return list(ok(client.get("/_sandbox/events"))["events"])


def _create_request(menu: dict[str, str]) -> dict[str, Any]:
    """Our fixture of Wix's Create Order request, pointed at the published menu."""
    request: dict[str, Any] = wix_payload("create_order_request")
    items = (menu["latte"], menu["croissant"])
    for line, item in zip(request["order"]["lineItems"], items, strict=True):
        line["catalogReference"]["catalogItemId"] = item
        line["catalogReference"]["options"] |= {
            "operationId": OPERATION_ID,
            "menuId": menu["menu"],
            "sectionId": menu["section"],
        }
    request["order"]["lineItems"][0]["catalogReference"]["options"]["variantId"] = menu["large"]
    return request


def _checkout(client: TestClient, menu: dict[str, str], **extra: Any) -> dict[str, Any]:
    request = {
        "operationId": OPERATION_ID,
        "items": [
            {
                "catalogItemId": menu["latte"],
                "quantity": 2,
                "options": {"variantId": menu["large"], "modifierIds": [menu["oat"]]},
            },
            {"catalogItemId": menu["croissant"], "quantity": 1},
        ],
        "buyer": {"firstName": "Олена", "lastName": "Коваль", "phone": "0671234567"},
        "fulfillment": "DELIVERY",
        "address": {
            "addressLine": "вулиця Сагайдачного, 25",
            "addressLine2": "кв. 7",
            "city": "Київ",
            "postalCode": "04070",
            "geocode": {"latitude": 50.4655, "longitude": 30.5155},
        },
        "deliveryFee": "50",
        **extra,
    }
    return dict(ok(client.post("/_sandbox/checkout", json=request), 201)["order"])


def test_list_and_get_location_conform(live: Live) -> None:
    client, _, _ = live
    listed = ok(client.get("/locations/v1/locations", headers=AUTH))
    assert conforms(listed, "list_locations_response") == []
    one = ok(client.get(f"/locations/v1/locations/{LOCATION_ID}", headers=AUTH))
    assert conforms(one, "get_location_response") == []
    assert one["location"]["address"]["formattedAddress"].startswith("вулиця Сагайдачного")


def test_create_order_accepts_wix_s_example_and_keeps_line_fields(live: Live) -> None:
    client, _, menu = live
    request = _create_request(menu)
    created = ok(client.post("/ecom/v1/orders", json=request, headers=AUTH))
    assert conforms(created, "create_order_response", order_at="order") == []
    sent, kept = request["order"]["lineItems"][0], created["order"]["lineItems"][0]
    for field in ("image", "physicalProperties", "paymentOption", "locations"):
        assert kept[field] == sent[field], field
    assert Decimal(kept["totalDiscount"]["amount"]) == Decimal(sent["totalDiscount"]["amount"])
    assert kept["lineItemPrice"]["amount"] == "95.00"
    assert created["order"]["channelInfo"] == request["order"]["channelInfo"]


def test_wix_s_own_example_with_its_spellings_and_currency_is_accepted(live: Live) -> None:
    """Wix's Create Order example: USD, Stores and Bookings lines, ``payment_status``
    and ``item_type`` in snake_case, and a GLOBAL merchant discount of 1."""
    client, _, _ = live
    request = wix_payload("create_order_request")
    order = request["order"]
    stores, bookings = order["lineItems"]
    stores["catalogReference"] = {
        "catalogItemId": "93162737-1553-9cd6-6581-b1555bc150bf",
        "appId": STORES_APP_ID,
        "options": {"variantId": "3051f244-bb16-40c3-bd91-64fe27fbfbd1"},
    }
    bookings["catalogReference"] = {
        "catalogItemId": "8c449785-80ab-48ba-8d35-5d123a7a25b8",
        "appId": BOOKINGS_APP_ID,
        "options": {},
    }
    bookings["item_type"] = bookings.pop("itemType")
    order["payment_status"] = order.pop("paymentStatus")
    order["currency"] = "USD"
    order["appliedDiscounts"] = [
        {
            "discountType": "GLOBAL",
            "lineItemIds": [],
            "merchantDiscount": {"amount": {"amount": "1", "formattedAmount": "$1.00"}},
        }
    ]
    created = ok(client.post("/ecom/v1/orders", json=request, headers=AUTH))["order"]
    assert created["currency"] == "USD" and created["paymentStatus"] == "NOT_PAID"
    assert created["lineItems"][1]["itemType"] == {"preset": "PHYSICAL"}
    assert created["priceSummary"]["total"]["amount"] == "149.00"
    assert "item_type" not in json.dumps(created) and "payment_status" not in json.dumps(created)


def test_get_order_conforms_with_consistent_computed_fields(live: Live) -> None:
    client, _, menu = live
    placed = _checkout(client, menu)
    got = ok(client.get(f"/ecom/v1/orders/{placed['id']}", headers=AUTH))
    assert conforms(got, "get_order_response", order_at="order") == []
    order = got["order"]
    summary = {k: Decimal(v["amount"]) for k, v in order["priceSummary"].items()}
    lines = sum(Decimal(line["lineItemPrice"]["amount"]) for line in order["lineItems"])
    assert summary["subtotal"] == lines == Decimal("245.00")  # 2 × (80 + 15) + 55
    assert summary["total"] == summary["subtotal"] - summary["discount"] + summary["shipping"]
    assert order["payNow"]["total"] == order["priceSummary"]["total"]
    assert order["balanceSummary"]["paid"]["amount"] == "295.00"
    assert order["balanceSummary"]["balance"]["amount"] == "0.00"
    assert order["taxSummary"]["totalTax"] == order["priceSummary"]["tax"]
    destination = order["shippingInfo"]["logistics"]["shippingDestination"]
    assert destination["address"]["addressLine"] == "вулиця Сагайдачного, 25"
    assert destination["contactDetails"]["phone"] == "0671234567"  # as the buyer typed it


def test_a_pickup_order_names_the_restaurant_in_pickup_details(live: Live) -> None:
    client, _, menu = live
    placed = _checkout(client, menu, fulfillment="PICKUP")
    pickup = placed["shippingInfo"]["logistics"]["pickupDetails"]
    assert pickup["pickupMethod"] == "STORE_PICKUP"
    assert pickup["address"]["addressLine"] == "вулиця Сагайдачного 10"
    assert "formatted" not in json.dumps(pickup)


def test_cancel_order_conforms(live: Live) -> None:
    client, _, menu = live
    placed = _checkout(client, menu)
    request = wix_payload("cancel_order_request")
    path = f"/ecom/v1/orders/{placed['id']}/cancel"
    canceled = ok(client.post(path, json=request, headers=AUTH))
    assert conforms(canceled, "cancel_order_response", order_at="order") == []
    assert canceled["order"]["status"] == "CANCELED"


def test_fulfillments_conform_and_update_merges_tracking(live: Live) -> None:
    client, _, menu = live
    placed = _checkout(client, menu)
    request = wix_payload("create_fulfillment_request")
    request["fulfillment"]["lineItems"] = [
        {"id": line["id"], "quantity": line["quantity"]} for line in placed["lineItems"]
    ]
    base = f"/ecom/v1/fulfillments/orders/{placed['id']}"
    created = ok(client.post(f"{base}/create-fulfillment", json=request, headers=AUTH))
    assert conforms(created, "create_fulfillment_response") == []
    fulfillment_id = created["fulfillmentId"]
    update = wix_payload("update_fulfillment_request")
    path = f"/ecom/v1/fulfillments/{fulfillment_id}/orders/{placed['id']}"
    updated = ok(client.patch(path, json=update, headers=AUTH))
    assert conforms(updated, "update_fulfillment_response") == []
    (one,) = updated["orderWithFulfillments"]["fulfillments"]
    assert one["trackingInfo"] == {
        **request["fulfillment"]["trackingInfo"],
        "trackingNumber": update["fulfillment"]["trackingInfo"]["trackingNumber"],
    }
    assert one["status"] == "Accepted"
    listed = ok(client.get(base, headers=AUTH))
    assert conforms(listed, "list_fulfillments_response") == []


def test_operations_conform(live: Live) -> None:
    client, _, _ = live
    path = f"/restaurants-operations/v1/operations/{OPERATION_ID}"
    got = ok(client.get(path, headers=AUTH))
    # pausedUntilOptions is there only while the operation is paused.
    assert conforms(got, "get_operation_response") == [
        "missing operation.pausedUntilOptions",
        "missing operation.pausedUntilOptions.time",
    ]
    listed = ok(client.get(path.rsplit("/", 1)[0], headers=AUTH))
    assert [p for p in conforms(listed, "list_operations_response") if "paused" not in p] == []
    request = wix_payload("update_operation_request")
    request["operation"]["revision"] = got["operation"]["revision"]
    updated = ok(client.patch(path, json=request, headers=AUTH))
    assert conforms(updated, "update_operation_response") == []


MENU_KINDS = {  # the entity's name in bodies → its API, in the order the hub publishes
    "variant": "/restaurants/item-variants/v1/variants",
    "modifier": "/restaurants/item-modifiers/v1/modifiers",
    "modifierGroup": "/restaurants/item-modifier-group/v1/modifier-groups",
    "item": "/restaurants/menus-item/v1/items",
    "section": "/restaurants/menus-section/v1/sections",
    "menu": "/restaurants/menus-menu/v1/menus",
}


def test_menu_entities_conform() -> None:
    """Each Menus API takes the documented request and answers the documented entity
    (fixture ids replaced by the ones the sandbox gave the entities they name)."""
    client = TestClient(create_app(WixSandbox(fresh_world())))
    ids: dict[str, str] = {}
    for kind, path in MENU_KINDS.items():
        request = json.loads(_renamed(json.dumps(wix_payload(f"menus_{kind}_create_request")), ids))
        created = ok(client.post(path, json=request, headers=AUTH))
        assert conforms(created, f"menus_{kind}_response") == [], kind
        documented_id = wix_payload(f"menus_{kind}_response")[kind]["id"]
        ids[documented_id] = created[kind]["id"]
        one = ok(client.get(f"{path}/{created[kind]['id']}", headers=AUTH))
        assert conforms(one, f"menus_{kind}_response") == [], kind
        listed = ok(client.get(path, headers=AUTH))
        assert conforms(listed, f"menus_{kind}_list_response") == [], kind
        update = json.loads(_renamed(json.dumps(wix_payload(f"menus_{kind}_update_request")), ids))
        updated = ok(client.patch(f"{path}/{created[kind]['id']}", json=update, headers=AUTH))
        assert conforms(updated, f"menus_{kind}_response") == [], kind
        assert updated[kind]["revision"] == "2"
    item = json.loads(_renamed(json.dumps(wix_payload("menus_item_create_request")), ids))
    bulk = ok(
        client.post(
            "/restaurants/menus-item/v1/bulk/items/create",
            json={"items": [item["item"]], "returnEntity": True},
            headers=AUTH,
        )
    )
    assert conforms(bulk, "menus_item_bulk_create_response") == []


def _renamed(text: str, ids: dict[str, str]) -> str:
    for documented, given in ids.items():
        text = text.replace(documented, given)
    return text


def test_search_orders_finds_an_order_by_its_external_id(live: Live) -> None:
    client, _, menu = live
    request = _create_request(menu)
    created = ok(client.post("/ecom/v1/orders", json=request, headers=AUTH))["order"]
    _checkout(client, menu)
    external = request["order"]["channelInfo"]["externalOrderId"]
    search = {"filter": {"channelInfo.externalOrderId": {"$eq": external}}}
    found = ok(client.post("/ecom/v1/orders/search", json={"search": search}, headers=AUTH))
    assert [o["id"] for o in found["orders"]] == [created["id"]]
    assert found["metadata"] == {"count": 1, "cursors": {}, "hasNext": False}
    assert problems(shape(found["orders"][0]), order_shape()) == []


EVENT_FIXTURES = {
    "created": "event_order_created",
    "approved": "event_order_approved",
    "payment_status_updated": "event_order_payment_status_updated",
    "fulfilled": "event_order_fulfilled",
    "updated": "event_order_updated",
    "canceled": "event_order_canceled",
}


def _order_path(event: dict[str, Any]) -> str:
    if "createdEvent" in event:
        return "createdEvent.entity"
    if "updatedEvent" in event:
        return "updatedEvent.currentEntity"
    return "actionEvent.body.order"


def test_every_event_conforms(live: Live) -> None:
    """An order's life fires each documented event, each in its documented shape,
    with the documented envelope and a growing ``entityEventSequence``."""
    client, sandbox, menu = live
    placed = _checkout(client, menu, paymentStatus="NOT_PAID")
    ok(client.post(f"/_sandbox/orders/{placed['id']}/pay"))
    fulfillment = {
        "fulfillment": {
            "lineItems": [{"id": x["id"], "quantity": x["quantity"]} for x in placed["lineItems"]]
        }
    }
    base = f"/ecom/v1/fulfillments/orders/{placed['id']}"
    ok(client.post(f"{base}/create-fulfillment", json=fulfillment, headers=AUTH))
    cancel = wix_payload("cancel_order_request")
    ok(client.post(f"/ecom/v1/orders/{placed['id']}/cancel", json=cancel, headers=AUTH))
    published = _events(client)
    slugs = [e["event"]["slug"] for e in published]
    assert slugs == [
        "created",
        "approved",
        "payment_status_updated",
        "updated",
        "fulfilled",
        "updated",
        "canceled",
        "updated",
    ]
    envelope = shape(wix_payload("webhook_envelope"))
    for number, logged in enumerate(published, start=1):
        event = logged["event"]
        fixture = EVENT_FIXTURES[event["slug"]]
        assert conforms(event, fixture, order_at=_order_path(event)) == [], fixture
        assert event["entityEventSequence"] == str(number)
        claims = jwt.decode(logged["jwt"], sandbox.public_key_pem, algorithms=["RS256"])
        assert shape(json.loads(claims["data"])) == envelope
    body = published[6]["event"]["actionEvent"]["body"]
    assert {k: body[k] for k in cancel} == cancel
    paid = published[2]["event"]["actionEvent"]["body"]
    assert paid["previousPaymentStatus"] == "NOT_PAID"
    assert paid["order"]["balanceSummary"]["paid"] == paid["order"]["priceSummary"]["total"]


def test_no_fixture_carries_an_undocumented_spelling() -> None:
    """The fixtures are Wix's shapes: no field the sandbox or the hub once invented."""
    invented = ("addressLine1", '"formatted"', "modifierIds", "lineType", "maxTimeOptions")
    for name in EVENT_FIXTURES.values():
        text = json.dumps(wix_payload(name))
        assert not [word for word in invented if word in text], name


def test_every_row_of_the_coverage_table_names_a_test_here() -> None:
    names = set(globals())
    assert [row.test for row in COVERAGE if row.test not in names] == []


def test_the_coverage_table_in_the_docs_is_the_generated_one() -> None:
    document = DOC.read_text(encoding="utf-8")
    assert BEGIN in document and END in document
    assert with_table(document) == document, (
        "docs/wix-sandbox.md is stale: run python -m tests.sandboxes.wix.contract"
    )
