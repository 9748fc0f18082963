"""The simulated register: its JSON control API, its page, and the webhooks it fires."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from orderbridge.sandboxes.poster.register import register_routes
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.sandboxes.poster.orders_support import TOKEN, RecordingSink

PREPAID = {
    "spot_id": 1,
    "phone": "+380 99 000 11 22",
    "first_name": "Ніна",
    "products": [
        {"product_id": 169, "count": 2},
        {"product_id": 112, "modification": '[{"m":20,"a":1}]'},
    ],
    "delivery_price": 3000,
    "payment": {"type": 1, "sum": 30000, "currency": "UAH"},
}


@pytest.fixture
def orders_client(orders_sandbox: PosterSandbox) -> TestClient:
    return TestClient(Starlette(routes=register_routes(orders_sandbox)))


def _order(sandbox: PosterSandbox, params: dict[str, Any] = PREPAID) -> int:
    order_id: int = sandbox.call("incomingOrders.createIncomingOrder", TOKEN, params)[
        "incoming_order_id"
    ]
    return order_id


def test_accept_opens_a_check_and_creates_the_customer(
    orders_sandbox: PosterSandbox, orders_client: TestClient, orders_sink: RecordingSink
) -> None:
    order_id = _order(orders_sandbox)
    orders_sink.events.clear()
    answer = orders_client.post(f"/_sandbox/incoming-orders/{order_id}/accept")
    assert answer.status_code == 200
    account = orders_sandbox.world.accounts["api-demo"]
    order = account.incoming_orders[order_id]
    tx = account.transactions[order.transaction_id or 0]
    assert order.status == 1 and tx.incoming_order_id == order_id
    # 2 × 55.00 + pizza 150.00 with a 10.00 sauce + 30.00 delivery
    assert tx.sum == 11000 + 16000 + 3000 and tx.prepaid == 30000
    client = account.clients[order.client_id]
    assert client.phone_number == "380990001122" and client.firstname == "Ніна"
    assert orders_sink.seen() == [
        ("client", client.client_id, "added"),
        ("incoming_order", order_id, "changed"),
        ("transaction", tx.transaction_id, "added"),
    ]
    got = orders_sandbox.call(
        "incomingOrders.getIncomingOrder", TOKEN, {"incoming_order_id": order_id}
    )
    assert got["status"] == 1 and got["transaction_id"] == tx.transaction_id


def test_prepaid_check_closes_with_nothing_to_pay(
    orders_sandbox: PosterSandbox, orders_client: TestClient, orders_sink: RecordingSink
) -> None:
    order_id = _order(orders_sandbox)
    orders_client.post(f"/_sandbox/incoming-orders/{order_id}/accept")
    account = orders_sandbox.world.accounts["api-demo"]
    tx_id = account.incoming_orders[order_id].transaction_id
    client_id = account.incoming_orders[order_id].client_id
    orders_sink.events.clear()
    answer = orders_client.post(f"/_sandbox/transactions/{tx_id}/close", json={})
    assert answer.status_code == 200
    closed = answer.json()["transaction"]
    assert closed["status"] == 2 and closed["payed_cash"] == 0
    assert closed["payed_third_party"] == 30000
    assert orders_sink.seen() == [
        ("transaction", tx_id, "changed"),
        ("incoming_order", order_id, "changed"),
        ("client_payed_sum", client_id, "changed"),
    ]
    history = json.loads(orders_sink.events[0].data or "{}")["transactions_history"]
    assert history["type_history"] == "close" and history["value2"] == 30000
    [check] = orders_sandbox.call("dash.getTransaction", TOKEN, {"transaction_id": tx_id})
    assert check["status"] == "2" and check["date_close"] != "0"


def test_close_with_card_and_cash_and_its_errors(
    orders_sandbox: PosterSandbox, orders_client: TestClient, orders_sink: RecordingSink
) -> None:
    order_id = _order(
        orders_sandbox, {"spot_id": 1, "client_id": 55, "products": [{"product_id": 139}]}
    )
    orders_client.post(f"/_sandbox/incoming-orders/{order_id}/accept")
    tx_id = orders_sandbox.world.accounts["api-demo"].incoming_orders[order_id].transaction_id
    orders_sink.events.clear()
    short = orders_client.post(f"/_sandbox/transactions/{tx_id}/close", json={"payed_cash": 100})
    assert short.status_code == 400 and short.json()["error"]["code"] == "invalid"
    assert orders_sink.events == []
    ok = orders_client.post(
        f"/_sandbox/transactions/{tx_id}/close", json={"payed_card": 1000, "payed_cash": 5000}
    )
    assert ok.json()["transaction"]["pay_type"] == 3
    assert ok.json()["transaction"]["payed_cash"] == 2000  # the rest is change
    again = orders_client.post(f"/_sandbox/transactions/{tx_id}/close")
    assert again.status_code == 409 and again.json()["error"]["poster_code"] == 153
    missing = orders_client.post("/_sandbox/transactions/999/close")
    assert missing.status_code == 404


def test_decline_new_and_cancel_accepted(
    orders_sandbox: PosterSandbox, orders_client: TestClient, orders_sink: RecordingSink
) -> None:
    first, second = _order(orders_sandbox), _order(orders_sandbox)
    orders_sink.events.clear()
    assert orders_client.post(f"/_sandbox/incoming-orders/{first}/decline").status_code == 200
    assert orders_sink.seen() == [("incoming_order", first, "changed")]
    orders_client.post(f"/_sandbox/incoming-orders/{second}/accept")
    tx_id = orders_sandbox.world.accounts["api-demo"].incoming_orders[second].transaction_id
    orders_sink.events.clear()
    orders_client.post(f"/_sandbox/incoming-orders/{second}/decline")
    assert orders_sink.seen() == [
        ("transaction", tx_id, "removed"),
        ("incoming_order", second, "changed"),
    ]
    again = orders_client.post(f"/_sandbox/incoming-orders/{first}/accept")
    assert again.status_code == 409
    listed = orders_client.get("/_sandbox/incoming-orders?account=api-demo").json()
    assert [o["status"] for o in listed["incoming_orders"]] == [7, 7]


def test_reservations_accept_and_decline(
    orders_sandbox: PosterSandbox, orders_client: TestClient, orders_sink: RecordingSink
) -> None:
    reservation = {
        "spot_id": 1,
        "phone": "+380684112224",
        "table_id": 3,
        "guests_count": 4,
        "duration": 3600,
        "date_reservation": "2018-03-22 19:00:00",
    }
    first = int(
        orders_sandbox.call("incomingOrders.createReservation", TOKEN, reservation)[
            "incoming_order_id"
        ]
    )
    second = int(
        orders_sandbox.call("incomingOrders.createReservation", TOKEN, reservation)[
            "incoming_order_id"
        ]
    )
    orders_sink.events.clear()
    orders_client.post(f"/_sandbox/incoming-orders/{first}/accept")
    got = orders_sandbox.call("incomingOrders.getReservation", TOKEN, {"incoming_order_id": first})
    assert got["status"] == 1 and got["transaction_id"] is not None
    tables = orders_sandbox.call("spots.getTableHallTables", TOKEN, {"hall_id": 3})
    assert {t["table_id"]: t["status"] for t in tables}["3"] == "2"  # the table is busy
    orders_client.post(f"/_sandbox/incoming-orders/{second}/decline")
    assert orders_sink.seen()[-1] == ("incoming_order", second, "changed")
    assert orders_sandbox.world.accounts["api-demo"].incoming_orders[second].status == 7


def test_product_edits_fire_menu_webhooks(
    orders_sandbox: PosterSandbox, orders_client: TestClient, orders_sink: RecordingSink
) -> None:
    answer = orders_client.post(
        "/_sandbox/products/169", json={"spot_id": 1, "price": 6000, "visible": False}
    )
    assert answer.status_code == 200
    product = orders_sandbox.world.accounts["api-demo"].products[169]
    assert product.spots[1].price == 6000 and not product.spots[1].visible
    assert set(orders_sink.seen()) == {("product", 169, "changed")}
    orders_sink.events.clear()
    orders_client.post("/_sandbox/products/169", json={"spot_id": 1, "stock": 3})
    assert orders_sink.seen() == [("stock", 169, "changed")]
    bad = orders_client.post("/_sandbox/products/169", json={"spot_id": 1, "price": -5})
    assert bad.status_code == 400
    assert orders_client.post("/_sandbox/products/169", json={}).status_code == 400
    assert orders_client.post("/_sandbox/products/1", json={"spot_id": 1}).status_code == 404
    assert orders_client.get("/_sandbox/incoming-orders?account=nobody").status_code == 404


def test_the_page_lists_and_its_forms_act(
    orders_sandbox: PosterSandbox, orders_client: TestClient, orders_sink: RecordingSink
) -> None:
    order_id = _order(orders_sandbox)
    page = orders_client.get("/register?account=api-demo&spot=1")
    assert page.status_code == 200 and "Ніна" in page.text and "Accept" in page.text
    accepted = orders_client.post(
        f"/register/incoming-orders/{order_id}/accept?account=api-demo",
        data={"spot": "1"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/register?")
    tx_id = orders_sandbox.world.accounts["api-demo"].incoming_orders[order_id].transaction_id
    page = orders_client.get("/register?account=api-demo&spot=1")
    assert f"/register/transactions/{tx_id}/close" in page.text
    closed = orders_client.post(
        f"/register/transactions/{tx_id}/close?account=api-demo",
        data={"spot": "1", "payed_cash": "0"},
        follow_redirects=False,
    )
    assert "error" not in closed.headers["location"]
    orders_sink.events.clear()
    orders_client.post(
        "/register/products/161?account=api-demo",
        data={"spot": "1", "spot_id": "1", "price": "47.50", "visible": "1"},
    )
    assert orders_sandbox.world.accounts["api-demo"].products[161].spots[1].price == 4750
    assert orders_sink.seen() == [("product", 161, "changed")]
    failed = orders_client.post(
        f"/register/incoming-orders/{order_id}/accept", data={}, follow_redirects=False
    )
    assert "error=" in failed.headers["location"]
