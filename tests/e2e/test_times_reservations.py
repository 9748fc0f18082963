"""Issue 10's "done when", end to end, continued from test_menus_money_time.py: times
that are kept (pre-orders, pauses and busy mode that end by themselves, hours pushed
to Wix), reservations checked before the 201, and the demo's showcase.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from orderbridge.sandboxes.wix.seed import (
    ACCESS_TOKEN,
    OPERATION_ID,
    PICKUP_METHOD_ID,
)
from tests.e2e.money_demo import (
    COOKIE,
    KYIV,
    PECHERSK,
    Receiver,
    admin,
    alerted,
    item,
    money_demo,
    open_incidents,
    soon,
)
from tests.e2e.poster_demo import (
    ADMIN_KEY,
    PODIL,
    Demo,
    order_body,
    wait_for,
)
from tests.e2e.servers import free_port, orderbridge_process, serve_in_thread

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    yield from money_demo(request.param, tmp_path_factory)


# Time -----------------------------------------------------------------------------------


def test_a_pre_order_is_scheduled_then_sent_at_time_minus_lead_time(demo: Demo) -> None:
    patched = admin(demo, "PATCH", f"{PODIL}/ordering", json={"lead_time_minutes": 1})
    assert patched.json()["lead_time_minutes"] == 1
    body = order_body("time-1") | {"fulfillment": {"type": "pickup", "time": soon(1.1)}}
    order = demo.api("/api/v1/orders", json=body).json()
    assert order["status"] == "scheduled" and order["fulfillment"]["send_at"]
    assert demo.at_register(order["id"]) == []
    sent = demo.wait_status(order["id"], "submitted", timeout=40)
    events = [e["event"] for e in sent["timeline"] if e["event"].startswith("order.")]
    assert events[:3] == ["order.received", "order.scheduled", "order.submitted"]
    assert len(demo.at_register(order["id"])) == 1
    admin(demo, "PATCH", f"{PODIL}/ordering", json={"lead_time_minutes": 30})


def test_past_times_and_times_outside_the_hours_answer_invalid_time(demo: Demo) -> None:
    past = order_body("time-2") | {"fulfillment": {"type": "pickup", "time": soon(-120)}}
    answer = demo.api("/api/v1/orders", json=past)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_time"
    assert "the next open slot is" in answer.json()["error"]["message"]

    today = datetime.now(KYIV).strftime("%A").lower()
    hours = {"weekly": {today: [{"opens": "00:00", "closes": "00:01"}]}}
    assert admin(demo, "PUT", f"{PECHERSK}/hours", json=hours).status_code == 200
    try:
        listed = demo.api("/api/v1/locations").json()["locations"]
        pechersk = next(loc for loc in listed if loc["id"] == PECHERSK)
        assert pechersk["hours"]["weekly"][today] == [{"opens": "00:00", "closes": "00:01"}]
        assert pechersk["next_open_at"] and pechersk["next_close_at"]
        body = order_body("time-3", location=PECHERSK) | {
            "fulfillment": {"type": "pickup", "time": soon(90)}
        }
        answer = demo.api("/api/v1/orders", json=body)
        error = answer.json()["error"]
        assert (answer.status_code, error["code"]) == (422, "invalid_time"), error
        assert "outside the opening hours; the next open slot is" in error["message"]
    finally:
        admin(demo, "DELETE", f"{PECHERSK}/hours")


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
            until = soon(0.1)
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
    started = admin(
        demo, "POST", f"{PECHERSK}/busy", json={"extra_minutes": 25, "until": soon(0.5)}
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
    assert admin(demo, "PUT", f"{PODIL}/hours", json=hours).status_code == 200
    try:
        whole_day = [{"startTime": {"hours": 0, "minutes": 0},
                      "endTime": {"hours": 23, "minutes": 59}}]  # fmt: skip
        wait_for(
            lambda: [t["timeRanges"] for t in _wix_hours(wix)] == [whole_day] * 7,
            what="Wix: open around the clock every day",
        )
        wait_for(lambda: _wix_closures(wix) == ["orderbridge: inventory"], what="the closure")

        busy = {"extra_minutes": 15, "until": soon(0.5)}
        assert admin(demo, "POST", f"{PODIL}/busy", json=busy).status_code == 200
        wait_for(lambda: _wix_prep(wix) == 35, what="Wix: 20 + 15 minutes")
        wait_for(lambda: _wix_prep(wix) == 20, timeout=60, what="Wix: busy mode over")
    finally:
        admin(demo, "DELETE", f"{PODIL}/hours")
    wait_for(lambda: _wix_closures(wix) == [], what="the hub's closure gone with its hours")


def test_a_pre_order_is_taken_while_the_store_is_closed_now(demo: Demo) -> None:
    opens = (datetime.now(KYIV) + timedelta(hours=2)).replace(second=0, microsecond=0)
    closes = opens + timedelta(hours=1)
    every_day = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    interval = {"opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
    hours = {"weekly": {day: [interval] for day in every_day}}
    assert admin(demo, "PUT", f"{PECHERSK}/hours", json=hours).status_code == 200
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
        admin(demo, "DELETE", f"{PECHERSK}/hours")


def _decline_new_orders_at(demo: Demo, spot_id: int) -> None:
    """The cashier declines every new order of a spot (the register's own screen)."""
    listed = demo.sandbox("/_sandbox/incoming-orders?account=api-demo")["incoming_orders"]
    for found in listed:
        if found["spot_id"] == spot_id and found["type"] == "order" and found["status"] == 0:
            demo.sandbox(f"/_sandbox/incoming-orders/{found['incoming_order_id']}/decline", json={})


def test_busy_mode_comes_by_itself_with_open_orders_and_goes_with_them(demo: Demo) -> None:
    _decline_new_orders_at(demo, 2)
    options = {"auto_busy_threshold": 1, "auto_busy_minutes": 10}
    assert admin(demo, "PATCH", f"{PECHERSK}/ordering", json=options).status_code == 200
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
        admin(demo, "PATCH", f"{PECHERSK}/ordering", json={"auto_busy_threshold": None})


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
    assert error(_booking("res-3", time=soon(-60))) == (422, "invalid_time", "time")

    created = demo.api("/api/v1/reservations", json=_booking("res-4"))
    assert created.status_code == 201, created.text
    rid = created.json()["id"]

    def status() -> str:
        return str(demo.api(f"/api/v1/reservations/{rid}").json()["status"])

    wait_for(lambda: status() == "submitted", what="the booking at Poster")
    kind = "reservation.cancel_needs_cashier"
    with alerted(demo, kind) as receiver:
        assert demo.api(f"/api/v1/reservations/{rid}/cancel", json={}).json()["status"] == (
            "cancel_requested"
        )
        wait_for(
            lambda: (
                kind
                in [e["event"] for e in demo.api(f"/api/v1/reservations/{rid}").json()["timeline"]]
            ),
            what="the cashier asked to cancel it",
        )
        wait_for(lambda: receiver.alerts(rid) == ["open"], what="the alert")
        assert rid in open_incidents(demo, kind)
        bookings = demo.sandbox("/_sandbox/incoming-orders?account=api-demo")["incoming_orders"]
        [booking] = [b for b in bookings if f"[ob:{rid}]" in (b["comment"] or "")]
        demo.sandbox(f"/_sandbox/incoming-orders/{booking['incoming_order_id']}/decline", json={})
        wait_for(lambda: status() == "canceled", what="the booking canceled")
        wait_for(lambda: receiver.alerts(rid) == ["open", "cleared"], what="cleared")


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
        assert not item(demo.menu(PODIL), "163")["available"]
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
