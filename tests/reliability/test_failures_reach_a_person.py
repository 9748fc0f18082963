"""Issue 9's "done when", failures half, end to end: a POS that refuses an order for good
produces exactly one ``order.failed`` alert at a real HTTP receiver on 127.0.0.1 and an
``order.failed`` storefront webhook with a reason; after the fix a replay moves the order
on and the alert clears, once. Real processes (Poster sandbox, ``orderbridge serve``,
``orderbridge worker``) on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from orderbridge.demo import DEMO_ADMIN_KEY
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN
from tests.e2e.poster_demo import order_body
from tests.e2e.servers import free_port, serve_in_thread
from tests.integration.support.receiver import Delivery, Receiver
from tests.reliability.stack import API_KEY, Stack, hub_stack

pytestmark = pytest.mark.e2e

TIMEOUT = 60.0


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A real HTTP server on a free port of 127.0.0.1 that records what it is sent."""
    app = Receiver()
    with serve_in_thread(app, free_port()) as base:
        yield app, base


@pytest.fixture
def stack(db_url: str, tmp_path: Path) -> Iterator[Stack]:
    with hub_stack(db_url, tmp_path) as running:
        yield running


def _wait(probe: Any, what: str, stack: Stack) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"not within {TIMEOUT} s: {what}\n{stack.logs()}")


def _at(receiver: Receiver, path: str) -> list[Delivery]:
    return [d for d in list(receiver.deliveries) if d.path == path]


def _verified(secret: str, delivery: Delivery) -> bool:
    return delivery.signed_by(secret)


def test_a_permanent_refusal_alerts_once_tells_the_shop_and_clears_after_the_replay(
    stack: Stack, receiver: tuple[Receiver, str]
) -> None:
    app, base = receiver
    admin = httpx.Client(
        base_url=stack.hub_url, headers={"authorization": f"Bearer {DEMO_ADMIN_KEY}"}, timeout=10
    )
    shop = httpx.Client(
        base_url=stack.hub_url, headers={"authorization": f"Bearer {API_KEY}"}, timeout=10
    )
    alert = admin.post(
        "/api/v1/admin/alerts", json={"url": f"{base}/alerts", "events": ["order.failed"]}
    )
    assert alert.status_code == 201, alert.text
    hook = admin.post(  # the website's endpoint, registered with the admin key
        "/api/v1/webhooks",
        json={"url": f"{base}/hooks", "events": ["order.failed", "order.submitted"]},
    )
    assert hook.status_code == 201, hook.text

    # The restaurant's Poster refuses the hub's token from now on: a permanent failure.
    revoked = httpx.post(
        f"{stack.poster_url}/_sandbox/tokens/revoke", json={"token": DEMO_TOKEN}, timeout=10
    )
    assert revoked.status_code == 200
    placed = shop.post("/api/v1/orders", json=order_body("web-9001"))
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]

    [failed] = _wait(lambda: _at(app, "/hooks"), "the order.failed webhook", stack)
    assert _verified(hook.json()["secret"], failed)
    event = failed.message
    assert event["type"] == "order.failed"
    assert (event["data"]["id"], event["data"]["status"]) == (order_id, "failed")
    assert event["data"]["code"] == "reauth_required"
    assert event["data"]["reason"]
    [opened] = _wait(lambda: _at(app, "/alerts"), "the order.failed alert", stack)
    assert _verified(alert.json()["secret"], opened)
    assert opened.message["type"] == "order.failed"
    assert opened.message["data"]["state"] == "open"
    assert "web-9001" in opened.message["text"]
    assert "+380" not in opened.body.decode() and DEMO_TOKEN not in opened.body.decode()
    assert shop.get(f"/api/v1/orders/{order_id}").json()["status"] == "failed"

    # The token works again; the operator replays the order.
    httpx.post(f"{stack.poster_url}/_sandbox/tokens/restore", json={"token": DEMO_TOKEN})
    replayed = admin.post(f"/api/v1/admin/orders/{order_id}/replay")
    assert replayed.status_code == 200, replayed.text
    _wait(lambda: len(_at(app, "/hooks")) == 2, "the order.submitted webhook", stack)
    assert [d.message["type"] for d in _at(app, "/hooks")] == ["order.failed", "order.submitted"]
    _wait(lambda: len(_at(app, "/alerts")) == 2, "the cleared alert", stack)
    alerts = [(d.message["type"], d.message["data"]["state"]) for d in _at(app, "/alerts")]
    assert alerts == [("order.failed", "open"), ("order.failed", "cleared")]
    # Nothing is left open: the order was replayed, and the connection worked again.
    assert admin.get("/api/v1/admin/incidents").json()["incidents"] == []
