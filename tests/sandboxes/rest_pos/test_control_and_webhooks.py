"""The register's moves, the catalogue's changes and the store's switch send Countertop's
own signed webhooks; faults strike as configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orderbridge.connectors.rest_pos.loading import load_text, shipped_text
from orderbridge.connectors.rest_pos.webhooks import verify
from orderbridge.sandboxes.rest_pos.launch import build_sandbox
from orderbridge.sandboxes.rest_pos.seed import DEMO_WEBHOOK_SECRET
from tests.sandboxes.rest_pos.support import Countertop, countertop, ticket_body

MANIFEST = load_text(shipped_text("sandbox"))


@pytest.fixture
def pos() -> Iterator[Countertop]:
    with countertop() as running:
        yield running


def events(pos: Countertop) -> list[dict[str, object]]:
    pos.settle()
    return [json.loads(body) for _, body in pos.receiver.received]


def test_register_moves_send_status_webhooks_signed_for_the_manifest(pos: Countertop) -> None:
    ticket = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).json()["ticket"]
    accepted = pos.control(f"/_sandbox/orders/{ticket['id']}/accept").json()["order"]
    assert accepted["status"] == "accepted"
    pos.control(f"/_sandbox/orders/{ticket['id']}/close")
    found = events(pos)
    assert [(e["type"], e["data"].get("status")) for e in found] == [  # type: ignore[union-attr]
        ("ticket.created", None),
        ("ticket.status_changed", "accepted"),
        ("ticket.status_changed", "closed"),
    ]
    assert MANIFEST.webhooks is not None
    for headers, body in pos.receiver.received:  # the hub's verifier accepts every delivery
        verify(
            MANIFEST.webhooks.signature,
            {"webhook_secret": DEMO_WEBHOOK_SECRET},
            headers,
            body,
            now=datetime.now(UTC),
        )
        assert headers["countertop-event"] == json.loads(body)["type"]


def test_closing_an_open_ticket_accepts_it_first_and_a_declined_one_stays(pos: Countertop) -> None:
    ticket = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).json()["ticket"]
    closed = pos.control(f"/_sandbox/orders/{ticket['id']}/close").json()["order"]
    assert [h["status"] for h in closed["history"]] == ["open", "accepted", "closed"]
    other = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).json()["ticket"]
    pos.control(f"/_sandbox/orders/{other['id']}/decline")
    again = pos.control(f"/_sandbox/orders/{other['id']}/accept")
    assert again.status_code == 409 and again.json()["error"]["code"] == "ticket_closed"
    listed = pos.client.get("/_sandbox/orders").json()["orders"]
    assert [o["status"] for o in listed] == ["closed", "rejected"]


def test_a_product_change_in_minor_units_reprices_it_and_its_sizes(pos: Countertop) -> None:
    changed = pos.control("/_sandbox/products/PZ-PEP", {"price": 19900, "available": False})
    assert changed.json() == {"sku": "PZ-PEP", "stores": ["st_podil", "st_pechersk"]}
    product = pos.api("GET", "/v2/stores/st_podil/products/PZ-PEP").json()["product"]
    assert (product["price"], product["soldOut"]) == ("199.00", True)
    assert [s["price"] for s in product["sizes"]] == ["199.00", "229.00"]
    assert [e["type"] for e in events(pos)] == ["product.updated", "product.updated"]
    bad = pos.control("/_sandbox/products/PZ-PEP", {"price": "19.90"})
    assert (
        bad.status_code == 422
        and pos.control("/_sandbox/products/NOPE", {"available": True}).status_code == 404
    )


def test_availability_off_sends_the_stores_webhook(pos: Countertop) -> None:
    answer = pos.control("/_sandbox/availability", {"online": False, "store": "st_podil"}).json()
    assert answer == {"online": False, "stores": ["st_podil"]}
    [event] = events(pos)
    assert (event["type"], event["storeId"], event["data"]) == (
        "store.availability_changed",
        "st_podil",
        {"online": False},
    )
    assert pos.control("/_sandbox/availability", {"online": "no"}).status_code == 422


def test_new_opening_hours_are_served_and_announced_per_store(pos: Countertop) -> None:
    seeded = pos.api("GET", "/v2/stores/st_pechersk/hours").json()
    assert seeded["timeZone"] == "Europe/Kyiv" and len(seeded["openingHours"]) == 7
    rows = [{"day": "MON", "opens": "09:00", "closes": "14:00"}]
    rows += [{"day": "SAT", "opens": "18:00", "closes": "24:00"}]
    answer = pos.control("/_sandbox/hours", {"hours": rows, "store": "st_podil"}).json()
    assert answer == {"hours": 2, "stores": ["st_podil"]}
    assert pos.api("GET", "/v2/stores/st_podil/hours").json()["openingHours"] == rows
    assert pos.api("GET", "/v2/stores/st_pechersk/hours").json() == seeded  # the other store
    [event] = events(pos)
    assert (event["type"], event["storeId"]) == ("store.hours_changed", "st_podil")
    assert "openingHours" not in pos.api("GET", "/v2/stores").json()["stores"][0]


@pytest.mark.parametrize(
    "body",
    [
        {"hours": [{"day": "MOON", "opens": "09:00", "closes": "14:00"}]},
        {"hours": [{"day": "MON", "opens": "9", "closes": "14:00"}]},
        {"hours": [{"day": "MON", "opens": "09:00", "closes": "25:00"}]},
        {"hours": "always"},
        {"hours": [], "extra": 1},
    ],
)
def test_hours_the_register_cannot_keep_are_refused(pos: Countertop, body: object) -> None:
    refused = pos.control("/_sandbox/hours", body)  # type: ignore[arg-type]
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_change"
    assert events(pos) == []


def test_a_refused_delivery_is_retried_until_answered(pos: Countertop) -> None:
    pos.receiver.status = 500
    pos.control("/_sandbox/availability", {"online": False, "store": "st_podil"})
    pos.settle()  # six attempts, on the compressed schedule
    log = pos.client.get("/_sandbox/webhooks").json()["deliveries"]
    assert [d["outcome"] for d in log] == ["rejected"] * 6
    assert [d["attempt"] for d in log] == [1, 2, 3, 4, 5, 6]


def test_faults_strike_the_next_calls(pos: Countertop) -> None:
    pos.control("/_sandbox/faults", {"next_5xx": 1, "next_429": 1, "retry_after_seconds": 9})
    limited = pos.api("GET", "/v2/stores")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "9"
    assert pos.api("GET", "/v2/stores").status_code == 503
    assert pos.api("GET", "/v2/stores").status_code == 200
    pos.control("/_sandbox/faults", {"next_hang": 1, "hang_seconds": 0.01})
    assert pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).status_code == 201
    assert pos.client.post("/_sandbox/faults", json={"next_5xx": -1}).status_code == 422
    assert pos.client.post("/_sandbox/faults", json={"nonsense": 1}).status_code == 422


def test_dropped_webhooks_are_logged_not_sent(pos: Countertop) -> None:
    pos.control("/_sandbox/faults", {"webhook_drop_rate": 1.0})
    pos.control("/_sandbox/availability", {"online": False})
    pos.settle()
    assert pos.receiver.received == []
    assert {d["outcome"] for d in pos.client.get("/_sandbox/webhooks").json()["deliveries"]} == {
        "dropped"
    }


def test_the_world_survives_a_restart_from_its_state_file(tmp_path: Path) -> None:
    state = tmp_path / "countertop.json"
    app, summary = build_sandbox(state=state, webhook_url="http://hub.test/a")
    assert "seeded café" in summary and state.exists()
    sandbox = app.state.sandbox
    sandbox.create_ticket("st_podil", ticket_body())
    sandbox.save()
    again, summary = build_sandbox(state=state, webhook_url="http://hub.test/b")
    assert "loaded from" in summary
    world = again.state.sandbox.world
    assert list(world.tickets) == ["tk_1001"] and world.webhook.url == "http://hub.test/b"
