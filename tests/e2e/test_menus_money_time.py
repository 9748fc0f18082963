"""Issue 10's "done when", end to end: ``orderbridge demo`` as a real process (the hub,
the Poster sandbox and the Wix sandbox on ports of 127.0.0.1), driven over HTTP as a
shop, a cashier and a restaurant owner would: availability per spot, money that adds
up at the register, what Poster needs checked before the 201, and cancels that reach
the cashier. Times, reservations and the demo's showcase: test_times_reservations.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from orderbridge.sandboxes.wix.seed import (
    LOCATION_ID,
)
from tests.e2e.money_demo import (
    COOKIE,
    PECHERSK,
    admin,
    alerted,
    item,
    money_demo,
    open_incidents,
    poster,
    soon,
    timeline,
)
from tests.e2e.poster_demo import (
    PODIL,
    Demo,
    order_body,
    place_order,
    wait_for,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    yield from money_demo(request.param, tmp_path_factory)


# Availability per location --------------------------------------------------------------


def test_stock_at_one_spot_leaves_the_other_orderable_and_survives_a_menu_sync(
    demo: Demo,
) -> None:
    demo.sandbox(f"/_sandbox/products/{COOKIE}", json={"spot_id": 1, "stock": 0})
    wait_for(
        lambda: not item(demo.menu(PODIL), COOKIE)["available"],
        what="the cookie sold out at Podil",
    )
    assert item(demo.menu(PECHERSK), COOKIE)["available"]  # storage 2 had no change

    env = {
        **os.environ,
        "ORDERBRIDGE_DATABASE_URL": demo.url,
        "ORDERBRIDGE_SECRET_KEY": "orderbridge-demo-secret-key",
        "ORDERBRIDGE_ALLOW_PRIVATE_URLS": "true",  # the demo's POS is on 127.0.0.1, as in demo.py
    }
    synced = subprocess.run(
        [sys.executable, "-m", "orderbridge", "menu", "sync", PODIL],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert synced.returncode == 0, synced.stderr
    assert not item(demo.menu(PODIL), COOKIE)["available"]  # the import kept it sold out

    line = {"item_id": COOKIE, "quantity": 1}
    body = {**order_body("stock-1"), "items": [line], "payment": None}
    refused = demo.api("/api/v1/orders", json=body)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "item_unavailable"
    elsewhere = {**order_body("stock-2", location=PECHERSK), "items": [line], "payment": None}
    assert demo.api("/api/v1/orders", json=elsewhere).status_code == 201

    demo.sandbox(f"/_sandbox/products/{COOKIE}", json={"spot_id": 1, "stock": 20})
    wait_for(lambda: item(demo.menu(PODIL), COOKIE)["available"], what="back in stock")


def _wix_in_stock(wix: str, name: str) -> bool | None:
    menus = httpx.get(f"{wix}/_sandbox/menu", params={"locationId": LOCATION_ID}, timeout=10)
    items = [i for m in menus.json()["menus"] for s in m["sections"] for i in s["items"]]
    found = [i for i in items if i["name"] == name]
    # The sandbox's menu view, as its checkout page shows it: ``inStock`` per item.
    return bool(found[0].get("inStock", True)) if found else None


def test_a_snooze_reaches_the_shop_and_wix_and_comes_back_by_itself(demo: Demo) -> None:
    wix = demo.wix
    croissant = item(demo.menu(PODIL), "4")
    wait_for(lambda: _wix_in_stock(wix, croissant["name"]) is True, what="the item in Wix")
    created = admin(demo, "POST", f"{PODIL}/snoozes", json={"item_ids": ["4"], "until": soon(0.5)})
    assert created.status_code == 201, created.text
    [snooze] = created.json()["snoozes"]
    assert snooze["name"] == croissant["name"] and 0 < snooze["remaining_seconds"] <= 30
    assert not item(demo.menu(PODIL), "4")["available"]
    wait_for(
        lambda: _wix_in_stock(wix, croissant["name"]) is False,
        timeout=30,
        what="Wix: out of stock",
    )
    wait_for(lambda: item(demo.menu(PODIL), "4")["available"], timeout=60, what="snooze over")
    wait_for(
        lambda: _wix_in_stock(wix, croissant["name"]) is True,
        timeout=60,
        what="Wix: in stock again",
    )
    assert admin(demo, "GET", f"{PODIL}/snoozes").json() == {"snoozes": []}


# Money ----------------------------------------------------------------------------------


def test_money_reaches_the_register_as_prices_a_service_product_and_a_capped_payment(
    demo: Demo,
) -> None:
    delivery = poster(
        demo,
        "menu.createProduct",
        json={"product_name": "Доставка", "menu_category_id": 0, "price": 5000, "cost": 0},
    )
    patched = admin(
        demo,
        "PATCH",
        f"{PODIL}/ordering",
        json={"charge_products": {"delivery_fee": str(delivery)}},
    )
    assert patched.status_code == 200, patched.text
    body = order_body("money-1") | {
        "fulfillment": {"type": "delivery", "address": {"line1": "вул. Хрещатик, 1"}},
        "discounts": [{"amount": 3000, "code": "WELCOME", "reason": "first order"}],
        "charges": [{"type": "delivery_fee", "amount": 5000}, {"type": "tip", "amount": 2000}],
        "payment": {"status": "paid", "amount": 55000, "currency": "UAH"},
    }
    created = demo.api("/api/v1/orders", json=body)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["totals"] == {
        "subtotal": 53000, "discounts": 3000, "charges": 7000, "total": 57000,
        "paid": 55000, "due": 2000, "currency": "UAH",
    }  # fmt: skip
    demo.wait_status(order["id"], "submitted")
    [incoming] = demo.at_register(order["id"])
    products = incoming["products"]
    assert products[-1]["product_id"] == delivery and products[-1]["price"] == 5000
    assert all("price" in p for p in products)  # the discount is in the line prices
    check = sum(p["price"] * p["count"] for p in products)
    assert check == 55000  # 53000 − 3000 + the delivery fee; the tip is not on it
    assert incoming["payment"]["sum"] == 55000 <= check
    comment = incoming["comment"]
    assert "Discount -30.00 UAH (WELCOME, first order)" in comment
    assert "Tip 20.00 UAH is not on the check" in comment
    assert "Paid online 550.00 UAH, to collect 20.00 UAH" in comment


def test_an_overpayment_is_refused_and_an_unpaid_order_needs_no_amount(demo: Demo) -> None:
    over = order_body("money-2") | {
        "payment": {"status": "paid", "amount": 999900, "currency": "UAH"}
    }
    refused = demo.api("/api/v1/orders", json=over)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "payment_mismatch"
    unpaid = order_body("money-3") | {"payment": {"status": "unpaid"}}
    created = demo.api("/api/v1/orders", json=unpaid)
    assert created.status_code == 201, created.text
    assert created.json()["payment"]["amount"] == created.json()["totals"]["total"] == 53000
    demo.wait_status(created.json()["id"], "submitted")
    [incoming] = demo.at_register(created.json()["id"])
    assert not incoming.get("payment")  # nothing prepaid: nothing sent


def test_a_promo_code_with_a_spot_promotion_reaches_the_register_as_that_promotion(
    demo: Demo,
) -> None:
    """Where the spot has the promotion (``promotions`` in the ordering options), the
    discount goes to Poster as ``promotion`` with its products, not as line prices."""
    patched = admin(demo, "PATCH", f"{PODIL}/ordering", json={"promotions": {"SUMMER": "1"}})
    assert patched.status_code == 200, patched.text
    try:
        body = order_body("promo-1") | {
            "discounts": [{"amount": 2000, "code": "SUMMER"}],
            "payment": {"status": "unpaid"},
        }
        created = demo.api("/api/v1/orders", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["totals"]["discounts"] == 2000
        demo.wait_status(created.json()["id"], "submitted")
        [incoming] = demo.at_register(created.json()["id"])
        # The lines keep the menu's prices (the register applies the promotion)...
        assert [p["price"] for p in incoming["products"]] == [27500, 25500]
        assert "Discount -20.00 UAH (SUMMER)" in incoming["comment"]
        # ...and the order carries the promotion with the products it involves.
        promotion = incoming["promotion"]
        [used] = json.loads(promotion) if isinstance(promotion, str) else promotion
        assert str(used["id"]) == "1"
        involved = sorted(str(p["id"]) for p in used["involved_products"])
        assert involved == ["172", "192"]
    finally:
        admin(demo, "PATCH", f"{PODIL}/ordering", json={"promotions": {}})


# Checks before the 201 ------------------------------------------------------------------


def test_what_poster_needs_is_refused_before_the_201(demo: Demo) -> None:
    def error(body: dict[str, Any]) -> tuple[int, str, str]:
        answer = demo.api("/api/v1/orders", json=body)
        found = answer.json()["error"]
        return answer.status_code, found["code"], found["field"]

    no_phone = order_body("check-1") | {"customer": {"name": "Олена"}}
    assert error(no_phone) == (422, "phone_required", "customer.phone")
    no_table = order_body("check-2") | {"fulfillment": {"type": "dine_in"}}
    assert error(no_table) == (422, "table_required", "fulfillment.table")
    no_address = order_body("check-3") | {"fulfillment": {"type": "delivery"}}
    assert error(no_address) == (422, "address_required", "fulfillment.address")
    dollars = order_body("check-5") | {
        "payment": {"status": "paid", "amount": 53000, "currency": "USD"}
    }
    assert error(dollars) == (422, "currency_mismatch", "payment.currency")
    at_table = order_body("check-4") | {"fulfillment": {"type": "dine_in", "table": "3"}}
    assert demo.api("/api/v1/orders", json=at_table).status_code == 201


# Cancel reaches the cashier -------------------------------------------------------------


def _check_comment(demo: Demo, transaction_id: int) -> str:
    found = poster(demo, "dash.getTransaction", params={"transaction_id": transaction_id})
    return str(found[0]["transaction_comment"] or "") if found else ""


def test_a_cancel_after_acceptance_is_written_on_the_check(demo: Demo) -> None:
    order_id = place_order(demo, "cancel-1")
    demo.wait_status(order_id, "submitted")
    [incoming] = demo.at_register(order_id)
    demo.sandbox(f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/accept", json={})
    demo.wait_status(order_id, "accepted")
    [accepted] = demo.at_register(order_id)

    canceled = demo.api(f"/api/v1/orders/{order_id}/cancel", json={})
    assert canceled.json()["status"] == "cancel_requested"
    wait_for(
        lambda: (
            "CANCELED by storefront #cancel-1" in _check_comment(demo, accepted["transaction_id"])
        ),
        what="the cancellation on the check",
    )
    assert demo.order(order_id)["status"] == "cancel_requested"
    demo.sandbox(f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/decline", json={})
    demo.wait_status(order_id, "canceled")


def test_a_cancel_of_a_new_order_asks_for_the_cashier(demo: Demo) -> None:
    """Alerted once as ``order.cancel_needs_cashier`` (an open incident the dashboard
    lists), and once more when the cashier's decline clears it."""
    kind = "order.cancel_needs_cashier"
    with alerted(demo, kind) as receiver:
        order_id = place_order(demo, "cancel-2")
        demo.wait_status(order_id, "submitted")
        [incoming] = demo.at_register(order_id)
        assert demo.api(f"/api/v1/orders/{order_id}/cancel", json={}).status_code == 200
        wait_for(
            lambda: "order.cancel_needs_cashier" in timeline(demo, order_id),
            what="the cashier asked to decline it",
        )
        wait_for(lambda: receiver.alerts(order_id) == ["open"], what="the alert")
        assert order_id in open_incidents(demo, kind)
        [opened] = [e for e in receiver.events if e["data"]["subject_id"] == order_id]
        assert "cancel-2 was canceled: tell the cashier" in opened["text"]
        demo.sandbox(f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/decline", json={})
        done = demo.wait_status(order_id, "canceled")
        assert "order.cancel_requested" in [e["event"] for e in done["timeline"]]
        wait_for(lambda: receiver.alerts(order_id) == ["open", "cleared"], what="cleared")
        assert order_id not in open_incidents(demo, kind)
