"""A customer's checkout, and the signed Order Created / Approved / Canceled events."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import APP_ID, INSTANCE_ID, LOCATION_ID, OPERATION_ID
from tests.sandboxes.wix.support import (
    AUTH,
    RESTAURANTS_APP_ID,
    STORES_APP_ID,
    fresh_world,
    ok,
    publish_menu,
    unwrap,
    wix_error,
)

BUYER = {"firstName": "Олена", "lastName": "Коваль", "phone": "+380671234567", "email": "o@k.ua"}


@pytest.fixture
def live() -> tuple[TestClient, WixSandbox, dict[str, str]]:
    """A sandbox on the real clock (its JWTs are current) with a published menu."""
    sandbox = WixSandbox(fresh_world())
    client = TestClient(create_app(sandbox))
    return client, sandbox, publish_menu(client)


def _events(client: TestClient) -> list[dict[str, Any]]:
    return list(ok(client.get("/_sandbox/events"))["events"])


def _checkout(client: TestClient, menu: dict[str, str], **extra: Any) -> dict[str, Any]:
    request = {
        "operationId": OPERATION_ID,
        "items": [
            {
                "catalogItemId": menu["latte"],
                "quantity": 1,
                "options": {"variantId": menu["large"], "modifierIds": [menu["oat"]]},
            },
            {"catalogItemId": menu["croissant"], "quantity": 2},
        ],
        "buyer": BUYER,
        **extra,
    }
    return dict(ok(client.post("/_sandbox/checkout", json=request), 201)["order"])


def test_checkout_builds_a_paid_approved_order_with_restaurant_references(
    live: tuple[TestClient, WixSandbox, dict[str, str]],
) -> None:
    client, _, menu = live
    mug = {
        "productName": {"original": "Чашка «Бріош»"},
        "catalogReference": {"catalogItemId": "mug-1", "appId": STORES_APP_ID},
        "quantity": 1,
        "price": {"amount": "250.00"},
    }
    order = _checkout(client, menu, extraLineItems=[mug])
    latte, croissant, extra = order["lineItems"]
    assert latte["price"]["amount"] == "95.00"  # 400 мл 80.00 + oat milk 15.00
    assert latte["catalogReference"] == {
        "catalogItemId": menu["latte"],
        "appId": RESTAURANTS_APP_ID,
        "options": {
            "operationId": OPERATION_ID,
            "menuId": menu["menu"],
            "sectionId": menu["section"],
            "onlineOrderingPageUrl": "/online-ordering",
            "variantId": menu["large"],
        },
    }
    (group,) = latte["modifierGroups"]
    assert [(m["id"], m["quantity"], m["price"]["amount"]) for m in group["modifiers"]] == [
        (menu["oat"], 1, "15.00")
    ]
    assert [d["plainText"]["original"] for d in latte["descriptionLines"]] == [
        "400 мл",
        "Вівсяне молоко",
    ]
    assert croissant["totalPriceAfterTax"]["amount"] == "110.00"
    assert extra["catalogReference"]["appId"] == STORES_APP_ID
    assert order["priceSummary"]["total"]["amount"] == "455.00"
    assert (order["status"], order["paymentStatus"]) == ("APPROVED", "PAID")
    assert order["channelInfo"] == {"type": "WEB"}
    assert order["billingInfo"]["contactDetails"]["phone"] == "+380671234567"
    assert order["buyerInfo"]["email"] == "o@k.ua"
    assert order["businessLocation"] == {"id": LOCATION_ID, "name": "Бріош на Подолі"}
    shown = ok(client.get(f"/_sandbox/orders/{order['id']}"))
    assert shown == {"order": order, "fulfillments": []}


def test_checkout_fires_created_then_approved_as_verifiable_jwts(
    live: tuple[TestClient, WixSandbox, dict[str, str]],
) -> None:
    client, _, menu = live
    order = _checkout(client, menu, paymentStatus="NOT_PAID")
    pem = client.get("/_sandbox/public-key").text
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    created, approved = _events(client)
    for logged in (created, approved):
        claims = jwt.decode(logged["jwt"], pem, algorithms=["RS256"])
        assert isinstance(claims["data"], str) and claims["exp"] > claims["iat"]
    outer, event = unwrap(created["jwt"], pem)
    assert outer["eventType"] == "wix.ecom.v1.order_created"
    assert outer["instanceId"] == INSTANCE_ID
    assert isinstance(outer["data"], str)
    assert set(event) == {
        "id",
        "entityFqdn",
        "slug",
        "entityId",
        "eventTime",
        "triggeredByAnonymizeRequest",
        "entityEventSequence",
        "createdEvent",
    }
    assert event["entityEventSequence"] == "1"
    assert (event["entityFqdn"], event["slug"], event["entityId"]) == (
        "wix.ecom.v1.order",
        "created",
        order["id"],
    )
    assert event["triggeredByAnonymizeRequest"] is False
    assert event["createdEvent"]["entity"] == order
    outer, action = unwrap(approved["jwt"], pem)
    assert outer["eventType"] == "wix.ecom.v1.order_approved"
    assert action["slug"] == "approved"
    assert action["actionEvent"]["body"]["order"]["paymentStatus"] == "NOT_PAID"
    assert action["entityEventSequence"] == "2"
    assert action["id"] != event["id"]


def test_a_token_signed_by_another_key_does_not_verify(
    live: tuple[TestClient, WixSandbox, dict[str, str]],
) -> None:
    client, _, menu = live
    _checkout(client, menu)
    other = WixSandbox(fresh_world()).public_key_pem
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(_events(client)[0]["jwt"], other, algorithms=["RS256"])


def test_event_ids_are_unique_across_orders(
    live: tuple[TestClient, WixSandbox, dict[str, str]],
) -> None:
    client, _, menu = live
    for _ in range(3):
        _checkout(client, menu)
    ids = [e["event"]["id"] for e in _events(client)]
    assert len(ids) == len(set(ids)) == 6


def test_api_orders_and_cancels_fire_events_too(
    live: tuple[TestClient, WixSandbox, dict[str, str]],
) -> None:
    client, _, _ = live
    line = {"productName": {"original": "Торт"}, "quantity": 1, "price": {"amount": "10"}}
    pending = {"lineItems": [line], "status": "INITIALIZED"}
    ok(client.post("/ecom/v1/orders", json={"order": pending}, headers=AUTH))
    order = ok(client.post("/ecom/v1/orders", json={"order": {"lineItems": [line]}}, headers=AUTH))
    options = {"restockAllItems": True, "sendOrderCanceledEmail": False, "customMessage": "Вибачте"}
    ok(client.post(f"/ecom/v1/orders/{order['order']['id']}/cancel", json=options, headers=AUTH))
    slugs = [(e["eventType"], e["event"]["slug"]) for e in _events(client)]
    assert slugs == [
        ("wix.ecom.v1.order_created", "created"),
        ("wix.ecom.v1.order_created", "created"),
        ("wix.ecom.v1.order_approved", "approved"),
        ("wix.ecom.v1.order_canceled", "canceled"),
        ("wix.ecom.v1.order_updated", "updated"),
    ]
    canceled = _events(client)[-2]["event"]
    body = canceled["actionEvent"]["body"]
    assert body["order"]["status"] == "CANCELED"
    assert {k: v for k, v in body.items() if k != "order"} == options
    assert [e["event"]["entityEventSequence"] for e in _events(client)[1:]] == ["1", "2", "3", "4"]
    updated = _events(client)[-1]["event"]
    assert updated["updatedEvent"]["currentEntity"]["status"] == "CANCELED"
    assert _events(client)[0]["instanceId"] == INSTANCE_ID and APP_ID


def test_checkout_refusals(live: tuple[TestClient, WixSandbox, dict[str, str]]) -> None:
    client, sandbox, menu = live
    base = {"operationId": OPERATION_ID, "buyer": BUYER}
    item = {"catalogItemId": menu["croissant"], "quantity": 1}
    wix_error(client.post("/_sandbox/checkout", json={**base, "items": []}), 400)
    unknown = {**base, "items": [{"catalogItemId": "nope", "quantity": 1}]}
    wix_error(client.post("/_sandbox/checkout", json=unknown), 400)
    wix_error(client.post("/_sandbox/checkout", json={**base, "items": [item], "buyer": {}}), 400)
    lost = {**base, "operationId": "nope", "items": [item]}
    wix_error(client.post("/_sandbox/checkout", json=lost), 404)
    bad_variant = {**item, "catalogItemId": menu["latte"], "options": {"variantId": "x"}}
    wix_error(client.post("/_sandbox/checkout", json={**base, "items": [bad_variant]}), 400)
    operation = sandbox.world.operations[OPERATION_ID]
    operation.online_ordering_status = "PAUSED_UNTIL"
    operation.paused_until = "2999-01-01T00:00:00.000Z"
    refused = wix_error(client.post("/_sandbox/checkout", json={**base, "items": [item]}), 428)
    assert refused["details"]["applicationError"]["code"] == "ONLINE_ORDERING_UNAVAILABLE"
    operation.paused_until = "2000-01-01T00:00:00.000Z"  # the pause is over
    ok(client.post("/_sandbox/checkout", json={**base, "items": [item]}), 201)
    assert len(_events(client)) == 2


def test_checkout_by_location_and_out_of_stock(
    live: tuple[TestClient, WixSandbox, dict[str, str]],
) -> None:
    client, _, menu = live
    request = {
        "locationId": LOCATION_ID,
        "buyer": BUYER,
        "items": [{"catalogItemId": menu["croissant"]}],
    }
    ok(client.post("/_sandbox/checkout", json=request), 201)
    path = f"/restaurants/menus-item/v1/items/{menu['croissant']}"
    patch = {"item": {"revision": "1", "orderSettings": {"inStock": False}}}
    ok(client.patch(path, json=patch, headers=AUTH))
    wix_error(client.post("/_sandbox/checkout", json=request), 428)


def test_the_checkout_page_places_an_order_by_hand(
    live: tuple[TestClient, WixSandbox, dict[str, str]],
) -> None:
    client, sandbox, menu = live
    page = client.get("/checkout")
    assert page.status_code == 200 and "Лате" in page.text and "Круасан" in page.text
    form = {
        "operationId": OPERATION_ID,
        f"qty:{menu['latte']}": "2",
        f"variant:{menu['latte']}": menu["small"],
        f"mod:{menu['latte']}": [menu["oat"], menu["syrup"]],
        f"qty:{menu['croissant']}": "0",
        "firstName": "Іван",
        "phone": "+380501112233",
        "paymentStatus": "NOT_PAID",
    }
    placed = client.post("/checkout", data=form)
    assert placed.status_code == 200 and "10001" in placed.text
    [record] = sandbox.world.orders.values()
    [line] = record.order["lineItems"]
    assert line["price"]["amount"] == "90.50"  # 65.00 + 15.00 + 10.50
    assert line["quantity"] == 2 and record.order["paymentStatus"] == "NOT_PAID"
    refused = client.post("/checkout", data={"operationId": OPERATION_ID, "phone": "1"})
    assert refused.status_code == 200 and "choose at least one item" in refused.text
