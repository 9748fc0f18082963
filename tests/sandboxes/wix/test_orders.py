"""eCommerce Create/Get/Cancel Order and the order fulfilments."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.seed import LOCATION_ID, OPERATION_ID
from tests.sandboxes.wix.support import AUTH, RESTAURANTS_APP_ID, STORES_APP_ID, ok, wix_error

LINE_ID = "7b1c5a3e-9d2f-4c8b-a1e6-3f0d2b4c6e8a"


def restaurant_line(menu: dict[str, str], item: str = "croissant", **extra: Any) -> dict[str, Any]:
    return {
        "catalogReference": {
            "catalogItemId": menu[item],
            "appId": RESTAURANTS_APP_ID,
            "options": {
                "operationId": OPERATION_ID,
                "menuId": menu["menu"],
                "sectionId": menu["section"],
            },
        },
        "quantity": 2,
        **extra,
    }


def create(client: TestClient, order: dict[str, Any], status: int = 200) -> dict[str, Any]:
    return ok(client.post("/ecom/v1/orders", json={"order": order}, headers=AUTH), status)


def test_create_order_prices_restaurant_items_from_the_menu(
    client: TestClient, menu: dict[str, str]
) -> None:
    order = create(
        client,
        {
            "lineItems": [restaurant_line(menu, id=LINE_ID)],
            "channelInfo": {"type": "POS", "externalOrderId": "poster-4417"},
            "buyerInfo": {"email": "olena@example.com"},
        },
    )["order"]
    [line] = order["lineItems"]
    assert line["id"] == LINE_ID
    assert line["productName"]["original"] == "Круасан"
    assert line["price"] == {"amount": "55.00", "formattedAmount": "₴55.00"}
    assert line["totalPriceAfterTax"]["amount"] == "110.00"
    assert line["catalogReference"]["options"]["sectionId"] == menu["section"]
    assert order["priceSummary"]["subtotal"]["amount"] == "110.00"
    assert order["priceSummary"]["total"]["amount"] == "110.00"
    assert order["status"] == "APPROVED" and order["paymentStatus"] == "NOT_PAID"
    assert order["fulfillmentStatus"] == "NOT_FULFILLED"
    assert order["channelInfo"] == {"type": "POS", "externalOrderId": "poster-4417"}
    assert order["businessLocation"]["id"] == LOCATION_ID
    assert order["currency"] == "UAH" and order["number"] == "10001"
    assert ok(client.get(f"/ecom/v1/orders/{order['id']}", headers=AUTH))["order"] == order


def test_given_prices_shipping_and_discount_make_the_summary(client: TestClient) -> None:
    order = create(
        client,
        {
            "lineItems": [
                {
                    "productName": {"original": "Торт"},
                    "catalogReference": {"catalogItemId": "cake-1", "appId": STORES_APP_ID},
                    "quantity": 1,
                    "price": {"amount": "420.5"},
                }
            ],
            "shippingInfo": {"cost": {"price": {"amount": "60"}}},
            "appliedDiscounts": [
                {
                    "discountType": "GLOBAL",
                    "lineItemIds": [],
                    "merchantDiscount": {"amount": {"amount": "20.50"}, "description": "Свої"},
                }
            ],
            "status": "INITIALIZED",
            "paymentStatus": "PENDING",
            "businessLocationId": LOCATION_ID,
        },
    )["order"]
    summary = order["priceSummary"]
    assert summary["subtotal"]["amount"] == "420.50"
    assert summary["shipping"]["amount"] == "60.00"
    assert summary["discount"]["amount"] == "20.50"
    assert summary["total"]["amount"] == "460.00"
    assert order["status"] == "INITIALIZED" and order["channelInfo"] == {"type": "OTHER_PLATFORM"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lineItems": []}, "order.lineItems"),
        ({"lineItems": "x"}, "order.lineItems"),
        ({"id": "not-a-guid"}, "order.lineItems[0].id"),
        ({"quantity": 0}, "order.lineItems[0].quantity"),
        ({"quantity": True}, "order.lineItems[0].quantity"),
        ({"catalogReference": {"catalogItemId": "x"}}, "order.lineItems[0].catalogReference"),
        ({"options": {"operationId": "nope"}}, "order.lineItems[0].catalogReference.options"),
        ({"options": {"sectionId": "nope"}}, "order.lineItems[0].catalogReference.options"),
        ({"options": {"menuId": "nope"}}, "order.lineItems[0].catalogReference.options"),
        ({"catalogItemId": "nope"}, "order.lineItems[0].catalogReference.catalogItemId"),
        ({"channelInfo": {"type": "FAX"}}, "order.channelInfo.type"),
        ({"status": "CANCELED"}, "order.status"),
        ({"paymentStatus": "MAYBE"}, "order.paymentStatus"),
        ({"currency": "hryvnia"}, "order.currency"),
        ({"businessLocationId": "nope"}, "order.businessLocation.id"),
    ],
)
def test_invalid_orders_are_400(
    client: TestClient, menu: dict[str, str], change: dict[str, Any], field: str
) -> None:
    line = restaurant_line(menu)
    order: dict[str, Any] = {"lineItems": [line]}
    for key, value in change.items():
        if key in ("id", "quantity", "catalogReference"):
            line[key] = value
        elif key == "options":
            line["catalogReference"]["options"].update(value)
        elif key == "catalogItemId":
            line["catalogReference"]["catalogItemId"] = value
        else:
            order[key] = value
    error = wix_error(client.post("/ecom/v1/orders", json={"order": order}, headers=AUTH), 400)
    assert error["details"]["validationError"]["fieldViolations"][0]["field"].startswith(field)
    assert ok(client.get("/_sandbox/orders"))["orders"] == []


def test_an_unpriced_custom_line_is_400(client: TestClient) -> None:
    line = {"productName": {"original": "Щось"}, "quantity": 1}
    wix_error(
        client.post("/ecom/v1/orders", json={"order": {"lineItems": [line]}}, headers=AUTH), 400
    )
    wix_error(client.post("/ecom/v1/orders", json={}, headers=AUTH), 400)


def test_an_unknown_order_is_404(client: TestClient) -> None:
    wix_error(client.get("/ecom/v1/orders/nope", headers=AUTH), 404)
    wix_error(client.post("/ecom/v1/orders/nope/cancel", json={}, headers=AUTH), 404)
    wix_error(client.get("/ecom/v1/fulfillments/orders/nope", headers=AUTH), 404)


def test_cancel_order_once(client: TestClient, menu: dict[str, str]) -> None:
    order = create(client, {"lineItems": [restaurant_line(menu)]})["order"]
    path = f"/ecom/v1/orders/{order['id']}/cancel"
    canceled = ok(client.post(path, json={"sendOrderCanceledEmail": False}, headers=AUTH))["order"]
    assert canceled["status"] == "CANCELED"
    error = wix_error(client.post(path, json={}, headers=AUTH), 428)
    assert error["details"]["applicationError"]["code"] == "ORDER_ALREADY_CANCELED"


def _mixed_order(client: TestClient, menu: dict[str, str]) -> dict[str, Any]:
    gift = {
        "productName": {"original": "Чашка"},
        "catalogReference": {"catalogItemId": "mug", "appId": STORES_APP_ID},
        "quantity": 1,
        "price": {"amount": "250"},
    }
    return dict(create(client, {"lineItems": [restaurant_line(menu), gift]})["order"])


def test_a_restaurant_fulfillment_starts_pending_and_covers_the_restaurant_items(
    client: TestClient, menu: dict[str, str]
) -> None:
    order = _mixed_order(client, menu)
    food, mug = order["lineItems"]
    path = f"/ecom/v1/fulfillments/orders/{order['id']}/create-fulfillment"
    partial = {"fulfillment": {"lineItems": [{"id": food["id"], "quantity": 1}]}}
    wix_error(client.post(path, json=partial, headers=AUTH), 400)
    whole = {"fulfillment": {"lineItems": [{"id": food["id"], "quantity": 2}], "status": "Ready"}}
    created = ok(client.post(path, json=whole, headers=AUTH))
    [fulfillment] = created["orderWithFulfillments"]["fulfillments"]
    assert created["fulfillmentId"] == fulfillment["id"]
    assert created["orderWithFulfillments"]["orderId"] == order["id"]
    assert fulfillment["status"] == "Pending" and fulfillment["completed"] is False
    assert fulfillment["lineItems"] == [{"id": food["id"], "quantity": 2}]
    got = ok(client.get(f"/ecom/v1/orders/{order['id']}", headers=AUTH))["order"]
    assert got["fulfillmentStatus"] == "PARTIALLY_FULFILLED"
    listed = ok(client.get(f"/ecom/v1/fulfillments/orders/{order['id']}", headers=AUTH))
    assert listed["orderWithFulfillments"]["fulfillments"] == [fulfillment]
    over = {"fulfillment": {"lineItems": [{"id": food["id"], "quantity": 1}]}}
    wix_error(client.post(path, json=over, headers=AUTH), 400)
    rest = {"fulfillment": {"lineItems": [{"id": mug["id"]}]}}
    ok(client.post(path, json=rest, headers=AUTH))
    got = ok(client.get(f"/_sandbox/orders/{order['id']}"))
    assert got["order"]["fulfillmentStatus"] == "FULFILLED"
    assert len(got["fulfillments"]) == 2


def test_updating_a_fulfillment(client: TestClient, menu: dict[str, str]) -> None:
    order = create(client, {"lineItems": [restaurant_line(menu)]})["order"]
    [line] = order["lineItems"]
    created = ok(
        client.post(
            f"/ecom/v1/fulfillments/orders/{order['id']}/create-fulfillment",
            json={"fulfillment": {"lineItems": [{"id": line["id"], "quantity": 2}]}},
            headers=AUTH,
        )
    )
    path = f"/ecom/v1/fulfillments/{created['fulfillmentId']}/orders/{order['id']}"
    for status in ("Accepted", "Ready", "Fulfilled"):
        body = {"fulfillment": {"status": status, "trackingInfo": {"trackingNumber": "P-1"}}}
        updated = ok(client.patch(path, json=body, headers=AUTH))
    [fulfillment] = updated["orderWithFulfillments"]["fulfillments"]
    assert fulfillment["status"] == "Fulfilled"
    assert fulfillment["trackingInfo"] == {"trackingNumber": "P-1"}
    same_lines = {
        "fulfillment": {"lineItems": [{"id": line["id"], "quantity": 2}], "completed": True}
    }
    assert ok(client.patch(path, json=same_lines, headers=AUTH))
    for bad in (
        {"lineItems": [{"id": line["id"], "quantity": 1}]},
        {"status": "Cooking"},
        {"completed": "yes"},
        {"trackingInfo": "P-1"},
    ):
        wix_error(client.patch(path, json={"fulfillment": bad}, headers=AUTH), 400)
    wix_error(client.patch(path, json={}, headers=AUTH), 400)
    unknown = f"/ecom/v1/fulfillments/nope/orders/{order['id']}"
    wix_error(client.patch(unknown, json={"fulfillment": {"status": "Ready"}}, headers=AUTH), 404)


def test_deleting_a_fulfillment_lets_it_be_recreated(
    client: TestClient, menu: dict[str, str]
) -> None:
    order = create(client, {"lineItems": [restaurant_line(menu)]})["order"]
    [line] = order["lineItems"]
    create_path = f"/ecom/v1/fulfillments/orders/{order['id']}/create-fulfillment"
    body = {"fulfillment": {"lineItems": [{"id": line["id"], "quantity": 2}]}}
    created = ok(client.post(create_path, json=body, headers=AUTH))
    path = f"/ecom/v1/fulfillments/{created['fulfillmentId']}/orders/{order['id']}"
    emptied = ok(client.delete(path, headers=AUTH))
    assert emptied["orderWithFulfillments"]["fulfillments"] == []
    assert (
        ok(client.get(f"/ecom/v1/orders/{order['id']}", headers=AUTH))["order"]["fulfillmentStatus"]
        == "NOT_FULFILLED"
    )
    ok(client.post(create_path, json=body, headers=AUTH))


def test_no_fulfillment_for_a_canceled_order(client: TestClient, menu: dict[str, str]) -> None:
    order = create(client, {"lineItems": [restaurant_line(menu)]})["order"]
    ok(client.post(f"/ecom/v1/orders/{order['id']}/cancel", json={}, headers=AUTH))
    body = {"fulfillment": {"lineItems": [{"id": order["lineItems"][0]["id"], "quantity": 2}]}}
    path = f"/ecom/v1/fulfillments/orders/{order['id']}/create-fulfillment"
    error = wix_error(client.post(path, json=body, headers=AUTH), 428)
    assert error["details"]["applicationError"]["code"] == "ORDER_CANCELED"


def test_fulfillment_line_items_must_name_the_order_lines(
    client: TestClient, menu: dict[str, str]
) -> None:
    order = create(client, {"lineItems": [restaurant_line(menu)]})["order"]
    path = f"/ecom/v1/fulfillments/orders/{order['id']}/create-fulfillment"
    bad_bodies: list[dict[str, Any]] = [
        {"lineItems": [{"id": "nope", "quantity": 1}]},
        {"lineItems": []},
        {},
    ]
    for bad in bad_bodies:
        wix_error(client.post(path, json={"fulfillment": bad}, headers=AUTH), 400)
    wix_error(client.post(path, json={}, headers=AUTH), 400)
