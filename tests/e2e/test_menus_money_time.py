"""Issue 10's "done when", end to end: ``orderbridge demo`` as a real process (the hub,
the Poster sandbox and the Wix sandbox on ports of 127.0.0.1), driven over HTTP as a
shop, a cashier and a restaurant owner would: availability per spot, money that adds
up at the register, times that are kept, cancels that reach the cashier, reservations
checked before the 201, and the demo's showcase.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from orderbridge.sandboxes.wix.seed import (
    ACCESS_TOKEN,
    LOCATION_ID,
    OPERATION_ID,
    PICKUP_METHOD_ID,
)
from tests.e2e.poster_demo import (
    ADMIN_KEY,
    DEMO_TOKEN,
    PODIL,
    Demo,
    order_body,
    place_order,
    running_demo,
    wait_for,
)
from tests.e2e.servers import free_port, orderbridge_process, serve_in_thread
from tests.integration.conftest import fresh_database, postgres_server

pytestmark = pytest.mark.e2e

PECHERSK = "loc_pechersk"
KYIV = ZoneInfo("Europe/Kyiv")
COOKIE = "162"  # Печиво вівсяне: a plain product sold at both spots


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """The demo on a SQLite file, then on a PostgreSQL database of its own (the server
    ``ORDERBRIDGE_TEST_POSTGRES_URL`` names, or a throwaway cluster)."""
    folder = tmp_path_factory.mktemp(f"money-demo-{request.param}")
    with contextlib.ExitStack() as stack:
        url = ""
        if request.param == "postgres":
            admin_url, _ = stack.enter_context(postgres_server())
            url = stack.enter_context(fresh_database(admin_url, "orderbridge_e2e"))
        yield stack.enter_context(running_demo(folder, reconcile_seconds=600, database_url=url))


def _admin(demo: Demo, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {ADMIN_KEY}"}
    return httpx.request(
        method, f"{demo.hub}/api/v1/admin/locations/{path}", headers=headers, timeout=10, **kwargs
    )


def _item(menu: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for c in menu["categories"] for i in c["items"] if i["id"] == item_id)


def _poster(demo: Demo, method: str, **kwargs: Any) -> Any:
    """A call to the Poster sandbox's API with the demo token."""
    verb = "POST" if "json" in kwargs else "GET"
    params = {"token": DEMO_TOKEN, **kwargs.pop("params", {})}
    answer = httpx.request(verb, f"{demo.poster}/api/{method}", params=params, timeout=10, **kwargs)
    body = answer.json()
    assert "response" in body, body
    return body["response"]


def _soon(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def _timeline(demo: Demo, order_id: str) -> list[str]:
    return [e["event"] for e in demo.order(order_id)["timeline"]]


# Availability per location --------------------------------------------------------------


def test_stock_at_one_spot_leaves_the_other_orderable_and_survives_a_menu_sync(
    demo: Demo,
) -> None:
    demo.sandbox(f"/_sandbox/products/{COOKIE}", json={"spot_id": 1, "stock": 0})
    wait_for(
        lambda: not _item(demo.menu(PODIL), COOKIE)["available"],
        what="the cookie sold out at Podil",
    )
    assert _item(demo.menu(PECHERSK), COOKIE)["available"]  # storage 2 had no change

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
    assert not _item(demo.menu(PODIL), COOKIE)["available"]  # the import kept it sold out

    line = {"item_id": COOKIE, "quantity": 1}
    body = {**order_body("stock-1"), "items": [line], "payment": None}
    refused = demo.api("/api/v1/orders", json=body)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "item_unavailable"
    elsewhere = {**order_body("stock-2", location=PECHERSK), "items": [line], "payment": None}
    assert demo.api("/api/v1/orders", json=elsewhere).status_code == 201

    demo.sandbox(f"/_sandbox/products/{COOKIE}", json={"spot_id": 1, "stock": 20})
    wait_for(lambda: _item(demo.menu(PODIL), COOKIE)["available"], what="back in stock")


def _wix_in_stock(wix: str, name: str) -> bool | None:
    menus = httpx.get(f"{wix}/_sandbox/menu", params={"locationId": LOCATION_ID}, timeout=10)
    items = [i for m in menus.json()["menus"] for s in m["sections"] for i in s["items"]]
    found = [i for i in items if i["name"] == name]
    # The sandbox's menu view, as its checkout page shows it: ``inStock`` per item.
    return bool(found[0].get("inStock", True)) if found else None


def test_a_snooze_reaches_the_shop_and_wix_and_comes_back_by_itself(demo: Demo) -> None:
    wix = demo.wix
    croissant = _item(demo.menu(PODIL), "4")
    wait_for(lambda: _wix_in_stock(wix, croissant["name"]) is True, what="the item in Wix")
    created = _admin(
        demo, "POST", f"{PODIL}/snoozes", json={"item_ids": ["4"], "until": _soon(0.5)}
    )
    assert created.status_code == 201, created.text
    [snooze] = created.json()["snoozes"]
    assert snooze["name"] == croissant["name"] and 0 < snooze["remaining_seconds"] <= 30
    assert not _item(demo.menu(PODIL), "4")["available"]
    wait_for(
        lambda: _wix_in_stock(wix, croissant["name"]) is False,
        timeout=30,
        what="Wix: out of stock",
    )
    wait_for(lambda: _item(demo.menu(PODIL), "4")["available"], timeout=60, what="snooze over")
    wait_for(
        lambda: _wix_in_stock(wix, croissant["name"]) is True,
        timeout=60,
        what="Wix: in stock again",
    )
    assert _admin(demo, "GET", f"{PODIL}/snoozes").json() == {"snoozes": []}


# Money ----------------------------------------------------------------------------------


def test_money_reaches_the_register_as_prices_a_service_product_and_a_capped_payment(
    demo: Demo,
) -> None:
    delivery = _poster(
        demo,
        "menu.createProduct",
        json={"product_name": "Доставка", "menu_category_id": 0, "price": 5000, "cost": 0},
    )
    patched = _admin(
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


# Time -----------------------------------------------------------------------------------


def test_a_pre_order_is_scheduled_then_sent_at_time_minus_lead_time(demo: Demo) -> None:
    patched = _admin(demo, "PATCH", f"{PODIL}/ordering", json={"lead_time_minutes": 1})
    assert patched.json()["lead_time_minutes"] == 1
    body = order_body("time-1") | {"fulfillment": {"type": "pickup", "time": _soon(1.1)}}
    order = demo.api("/api/v1/orders", json=body).json()
    assert order["status"] == "scheduled" and order["fulfillment"]["send_at"]
    assert demo.at_register(order["id"]) == []
    sent = demo.wait_status(order["id"], "submitted", timeout=40)
    events = [e["event"] for e in sent["timeline"] if e["event"].startswith("order.")]
    assert events[:3] == ["order.received", "order.scheduled", "order.submitted"]
    assert len(demo.at_register(order["id"])) == 1
    _admin(demo, "PATCH", f"{PODIL}/ordering", json={"lead_time_minutes": 30})


def test_past_times_and_times_outside_the_hours_answer_invalid_time(demo: Demo) -> None:
    past = order_body("time-2") | {"fulfillment": {"type": "pickup", "time": _soon(-120)}}
    answer = demo.api("/api/v1/orders", json=past)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_time"
    assert "the next open slot is" in answer.json()["error"]["message"]

    today = datetime.now(KYIV).strftime("%A").lower()
    hours = {"weekly": {today: [{"opens": "00:00", "closes": "00:01"}]}}
    assert _admin(demo, "PUT", f"{PECHERSK}/hours", json=hours).status_code == 200
    try:
        listed = demo.api("/api/v1/locations").json()["locations"]
        pechersk = next(loc for loc in listed if loc["id"] == PECHERSK)
        assert pechersk["hours"]["weekly"][today] == [{"opens": "00:00", "closes": "00:01"}]
        assert pechersk["next_open_at"] and pechersk["next_close_at"]
        body = order_body("time-3", location=PECHERSK) | {
            "fulfillment": {"type": "pickup", "time": _soon(90)}
        }
        answer = demo.api("/api/v1/orders", json=body)
        error = answer.json()["error"]
        assert (answer.status_code, error["code"]) == (422, "invalid_time"), error
        assert "outside the opening hours; the next open slot is" in error["message"]
    finally:
        _admin(demo, "DELETE", f"{PECHERSK}/hours")


class Receiver:
    """A storefront's webhook endpoint: keeps every event it is sent."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        with self.lock:
            self.events.append(json.loads(body))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def statuses(self, location_id: str) -> list[str]:
        with self.lock:
            return [
                e["data"]["status"]
                for e in self.events
                if e["type"] == "location.status_changed"
                and e["data"]["location_id"] == location_id
            ]


def _operation(wix: str) -> str:
    url = f"{wix}/restaurants-operations/v1/operations/{OPERATION_ID}"
    found = httpx.get(url, headers={"Authorization": ACCESS_TOKEN}, timeout=10).json()
    return str(found["operation"]["onlineOrderingStatus"])


def test_a_timed_pause_ends_by_itself_for_storefronts_and_wix(demo: Demo) -> None:
    receiver = Receiver()
    with serve_in_thread(receiver, free_port()) as url:
        events = {"url": f"{url}/hooks", "events": ["location.status_changed"]}
        endpoint = demo.api("/api/v1/webhooks", json=events, key=ADMIN_KEY)
        assert endpoint.status_code == 201, endpoint.text
        try:
            until = _soon(0.1)
            pause = {"action": "pause", "until": until}
            paused = demo.api(f"/api/v1/locations/{PODIL}/status", json=pause, key=ADMIN_KEY)
            assert paused.json()["status"] == "paused"
            wix = demo.wix
            wait_for(lambda: receiver.statuses(PODIL) == ["paused", "open"], timeout=30,
                     what="location.status_changed: paused, then open")  # fmt: skip
            assert demo.api(f"/api/v1/locations/{PODIL}").json()["status"] == "open"
            wait_for(lambda: _operation(wix) == "ENABLED", what="Wix operation enabled again")
        finally:
            httpx.delete(
                f"{demo.hub}/api/v1/webhooks/{endpoint.json()['id']}",
                headers={"authorization": f"Bearer {ADMIN_KEY}"},
                timeout=10,
            )


def test_busy_mode_is_shown_moves_promised_times_and_ends_by_itself(demo: Demo) -> None:
    started = _admin(
        demo, "POST", f"{PECHERSK}/busy", json={"extra_minutes": 25, "until": _soon(0.5)}
    )
    assert started.status_code == 200, started.text
    location = demo.api(f"/api/v1/locations/{PECHERSK}").json()
    assert location["busy"]["extra_minutes"] == 25 and location["prep_minutes"] == 45
    body = order_body("busy-1", location=PECHERSK) | {
        "items": [{"item_id": COOKIE, "quantity": 1}],
        "payment": None,
    }
    created = demo.api("/api/v1/orders", json=body)
    assert created.status_code == 201, created.text
    order = created.json()
    promised = datetime.fromisoformat(order["fulfillment"]["promised_at"])
    assert promised - datetime.fromisoformat(order["created_at"]) >= timedelta(minutes=45)
    wait_for(
        lambda: demo.api(f"/api/v1/locations/{PECHERSK}").json()["busy"] is None,
        timeout=60,
        what="busy mode over",
    )


def _wix_call(wix: str, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": ACCESS_TOKEN}
    answer = httpx.request(method, f"{wix}{path}", headers=headers, timeout=10, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _wix_hours(wix: str) -> list[dict[str, Any]]:
    found = _wix_call(wix, "GET", f"/fulfillment-methods/v1/fulfillment-methods/{PICKUP_METHOD_ID}")
    return list(found["fulfillmentMethod"]["availability"]["availableTimes"])


def _wix_closures(wix: str) -> list[str]:
    query = {"query": {"filter": {"operationId": {"$eq": OPERATION_ID}}}}
    path = "/restaurants-availability-exceptions/v1/availability-exceptions/query"
    found = _wix_call(wix, "POST", path, json=query)["availabilityExceptions"]
    return [str(e["name"]) for e in found]


def _wix_prep(wix: str) -> int:
    found = _wix_call(wix, "GET", f"/restaurants-operations/v1/operations/{OPERATION_ID}")
    return int(found["operation"]["orderScheduling"]["asapOptions"]["maxOptions"]["duration"])


def test_hours_and_busy_minutes_are_pushed_to_wix_and_read_back(demo: Demo) -> None:
    wix = demo.wix
    every_day = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    inventory = (datetime.now(KYIV) + timedelta(days=10)).date().isoformat()
    hours = {
        "weekly": {day: [{"opens": "00:00", "closes": "00:00"}] for day in every_day},
        "exceptions": [{"date": inventory, "intervals": [], "reason": "inventory"}],
    }
    assert _admin(demo, "PUT", f"{PODIL}/hours", json=hours).status_code == 200
    try:
        whole_day = [{"startTime": {"hours": 0, "minutes": 0},
                      "endTime": {"hours": 23, "minutes": 59}}]  # fmt: skip
        wait_for(
            lambda: [t["timeRanges"] for t in _wix_hours(wix)] == [whole_day] * 7,
            what="Wix: open around the clock every day",
        )
        wait_for(lambda: _wix_closures(wix) == ["orderbridge: inventory"], what="the closure")

        busy = {"extra_minutes": 15, "until": _soon(0.5)}
        assert _admin(demo, "POST", f"{PODIL}/busy", json=busy).status_code == 200
        wait_for(lambda: _wix_prep(wix) == 35, what="Wix: 20 + 15 minutes")
        wait_for(lambda: _wix_prep(wix) == 20, timeout=60, what="Wix: busy mode over")
    finally:
        _admin(demo, "DELETE", f"{PODIL}/hours")
    wait_for(lambda: _wix_closures(wix) == [], what="the hub's closure gone with its hours")


def test_a_pre_order_is_taken_while_the_store_is_closed_now(demo: Demo) -> None:
    opens = (datetime.now(KYIV) + timedelta(hours=2)).replace(second=0, microsecond=0)
    closes = opens + timedelta(hours=1)
    every_day = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    interval = {"opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
    hours = {"weekly": {day: [interval] for day in every_day}}
    assert _admin(demo, "PUT", f"{PECHERSK}/hours", json=hours).status_code == 200
    try:
        location = demo.api(f"/api/v1/locations/{PECHERSK}").json()
        assert location["status"] == "closed"
        line = {"item_id": COOKIE, "quantity": 1}
        now_body = {**order_body("closed-1", location=PECHERSK), "items": [line], "payment": None}
        refused = demo.api("/api/v1/orders", json=now_body)
        assert refused.status_code == 422, refused.text
        wanted = datetime.fromisoformat(location["next_open_at"]) + timedelta(minutes=10)
        later = now_body | {
            "channel_order_id": "closed-2",
            "fulfillment": {"type": "pickup", "time": wanted.isoformat()},
        }
        created = demo.api("/api/v1/orders", json=later)
        assert created.status_code == 201, created.text
        order = created.json()
        assert order["status"] == "scheduled"
        send_at = datetime.fromisoformat(order["fulfillment"]["send_at"])
        assert send_at == datetime.fromisoformat(location["next_open_at"])  # not before opening
        canceled = demo.api(f"/api/v1/orders/{order['id']}/cancel", json={})
        assert canceled.json()["status"] == "canceled"  # the POS never had it
    finally:
        _admin(demo, "DELETE", f"{PECHERSK}/hours")


def _decline_new_orders_at(demo: Demo, spot_id: int) -> None:
    """The cashier declines every new order of a spot (the register's own screen)."""
    listed = demo.sandbox("/_sandbox/incoming-orders?account=api-demo")["incoming_orders"]
    for found in listed:
        if found["spot_id"] == spot_id and found["type"] == "order" and found["status"] == 0:
            demo.sandbox(f"/_sandbox/incoming-orders/{found['incoming_order_id']}/decline", json={})


def test_busy_mode_comes_by_itself_with_open_orders_and_goes_with_them(demo: Demo) -> None:
    _decline_new_orders_at(demo, 2)
    options = {"auto_busy_threshold": 1, "auto_busy_minutes": 10}
    assert _admin(demo, "PATCH", f"{PECHERSK}/ordering", json=options).status_code == 200
    try:
        line = {"item_id": COOKIE, "quantity": 1}
        for n in (1, 2):
            body = {**order_body(f"auto-{n}", location=PECHERSK), "items": [line], "payment": None}
            created = demo.api("/api/v1/orders", json=body)
            assert created.status_code == 201, created.text
            demo.wait_status(created.json()["id"], "submitted")

        def busy() -> Any:
            return demo.api(f"/api/v1/locations/{PECHERSK}").json()["busy"]

        wait_for(lambda: (busy() or {}).get("source") == "auto", what="busy mode on by itself")
        assert busy()["extra_minutes"] == 10
        _decline_new_orders_at(demo, 2)
        wait_for(lambda: busy() is None, timeout=30, what="busy mode off with the orders gone")
    finally:
        _admin(demo, "PATCH", f"{PECHERSK}/ordering", json={"auto_busy_threshold": None})


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
    found = _poster(demo, "dash.getTransaction", params={"transaction_id": transaction_id})
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
    order_id = place_order(demo, "cancel-2")
    demo.wait_status(order_id, "submitted")
    [incoming] = demo.at_register(order_id)
    assert demo.api(f"/api/v1/orders/{order_id}/cancel", json={}).status_code == 200
    wait_for(
        lambda: "order.cancel_needs_cashier" in _timeline(demo, order_id),
        what="the cashier asked to decline it",
    )
    demo.sandbox(f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/decline", json={})
    done = demo.wait_status(order_id, "canceled")
    assert "order.cancel_requested" in [e["event"] for e in done["timeline"]]


# Reservations ---------------------------------------------------------------------------


def _booking(channel_id: str, **changes: Any) -> dict[str, Any]:
    tomorrow = datetime.now(KYIV).date() + timedelta(days=1)
    at = datetime.combine(tomorrow, datetime.min.time().replace(hour=19), KYIV)
    body = {
        "location_id": PODIL,
        "channel_reservation_id": channel_id,
        "time": at.isoformat(),
        "duration_minutes": 90,
        "guests": 2,
        "table_id": "3",
        "customer": {"name": "Андрій", "phone": "+380677654321"},
    }
    return body | changes


def test_reservations_are_checked_against_tables_and_their_cancel_relayed(demo: Demo) -> None:
    def error(body: dict[str, Any]) -> tuple[int, str, str]:
        found = demo.api("/api/v1/reservations", json=body)
        return found.status_code, found.json()["error"]["code"], found.json()["error"]["field"]

    assert error(_booking("res-1", table_id="99")) == (422, "unknown_table", "table_id")
    assert error(_booking("res-3", time=_soon(-60))) == (422, "invalid_time", "time")

    created = demo.api("/api/v1/reservations", json=_booking("res-4"))
    assert created.status_code == 201, created.text
    rid = created.json()["id"]

    def status() -> str:
        return str(demo.api(f"/api/v1/reservations/{rid}").json()["status"])

    wait_for(lambda: status() == "submitted", what="the booking at Poster")
    assert demo.api(f"/api/v1/reservations/{rid}/cancel", json={}).json()["status"] == (
        "cancel_requested"
    )
    wait_for(
        lambda: (
            "reservation.cancel_needs_cashier"
            in [e["event"] for e in demo.api(f"/api/v1/reservations/{rid}").json()["timeline"]]
        ),
        what="the cashier asked to cancel it",
    )
    bookings = demo.sandbox("/_sandbox/incoming-orders?account=api-demo")["incoming_orders"]
    [booking] = [b for b in bookings if f"[ob:{rid}]" in (b["comment"] or "")]
    demo.sandbox(f"/_sandbox/incoming-orders/{booking['incoming_order_id']}/decline", json={})
    wait_for(lambda: status() == "canceled", what="the booking canceled")


# The demo's showcase --------------------------------------------------------------------


def test_the_demo_showcase_snoozes_busies_schedules_and_pauses_on_its_own(
    tmp_path: Path,
) -> None:
    hub_port, poster_port, wix_port = free_port(), free_port(), free_port()
    args = ["demo", "--showcase", "--port", str(hub_port), "--poster-port", str(poster_port)]
    args += ["--wix-port", str(wix_port), "--db", str(tmp_path / "demo.db")]
    hub = f"http://127.0.0.1:{hub_port}"
    env = {"ORDERBRIDGE_DEMO_SHOWCASE_SECONDS": "8"}
    with orderbridge_process(args, ready_url=f"{hub}/health", log=tmp_path / "demo.log", env=env):
        demo = Demo(hub=hub, poster=f"http://127.0.0.1:{poster_port}", db=tmp_path / "demo.db")
        wait_for(lambda: "pre-order" in (tmp_path / "demo.log").read_text(), timeout=60,
                 what="the showcase set up")  # fmt: skip
        assert not _item(demo.menu(PODIL), "163")["available"]
        pechersk = demo.api(f"/api/v1/locations/{PECHERSK}").json()
        assert pechersk["status"] == "paused" and pechersk["busy"]["extra_minutes"] == 15
        log = (tmp_path / "demo.log").read_text()
        order_id = log.split("pre-order ")[1].split(":")[0]
        # The showcase placed it itself, not through the shop's key: the operator's
        # (admin) key reads it, as the dashboard shows it.
        assert demo.order(order_id, key=ADMIN_KEY)["status"] == "scheduled"
        demo.wait_status(order_id, "submitted", timeout=40, key=ADMIN_KEY)
        wait_for(
            lambda: demo.api(f"/api/v1/locations/{PECHERSK}").json()["status"] == "open",
            timeout=30,
            what="the pause over by itself",
        )
