"""``POST /api/v1/orders`` and friends: 201 and the order, or a 4xx that stores nothing."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from orderbridge.ports import PosOrderState
from orderbridge.storage import admin
from tests.integration.support.api import bearer, error_of, stored_rows
from tests.integration.support.world import (
    LOCATION,
    TENANT,
    World,
    announced,
    build_world,
    jobs,
)
from tests.unit.web.bodies import order_body

ORDERS = "/api/v1/orders"


def _line(**fields: Any) -> dict[str, Any]:
    return {"quantity": 1, **fields}


def test_an_order_is_created_read_back_and_queued(client: TestClient, world: World) -> None:
    created = client.post(ORDERS, json=order_body(), headers={"Idempotency-Key": "k-1"})
    assert created.status_code == 201, created.text
    order = created.json()
    assert created.headers["location"] == f"{ORDERS}/{order['id']}"
    assert (order["status"], order["location_id"], order["channel_order_id"]) == (
        "received",
        LOCATION,
        "web-1001",
    )
    assert order["totals"]["total"] == 20500
    assert order["totals"]["due"] == 0
    assert order["customer"]["phone"] == "+380671234567"
    read = client.get(f"{ORDERS}/{order['id']}")
    assert read.status_code == 200
    assert [e["event"] for e in read.json()["timeline"]] == ["order.received"]
    assert [j.payload for j in jobs(world.hub, "order.submit")] == [{"order_id": order["id"]}]
    assert announced(world.hub) == ["order.received"]


def test_a_repeated_request_answers_the_same_order(client: TestClient, world: World) -> None:
    first = client.post(ORDERS, json=order_body(), headers={"Idempotency-Key": "k-1"})
    again = client.post(ORDERS, json=order_body(), headers={"Idempotency-Key": "k-1"})
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert stored_rows(world)[0] == 1


def test_a_reused_idempotency_key_with_another_body_is_409(
    client: TestClient, world: World
) -> None:
    client.post(ORDERS, json=order_body(), headers={"Idempotency-Key": "k-1"})
    before = stored_rows(world)
    answer = client.post(
        ORDERS, json=order_body(channel_order_id="web-2"), headers={"Idempotency-Key": "k-1"}
    )
    assert error_of(answer) == (409, "idempotency_conflict", "Idempotency-Key")
    assert stored_rows(world) == before


def test_a_reused_channel_order_id_with_another_body_is_409(
    client: TestClient, world: World
) -> None:
    client.post(ORDERS, json=order_body())
    before = stored_rows(world)
    answer = client.post(ORDERS, json=order_body(note="no sugar"))
    assert error_of(answer) == (409, "duplicate_order", "channel_order_id")
    assert stored_rows(world) == before


def test_concurrent_identical_posts_create_one_order(db_url: str) -> None:
    """On both databases: four identical requests at once, one order, four 201s."""
    world = build_world(db_url)
    client = TestClient(world.hub.app(), headers=bearer(world.api_key))
    start = threading.Barrier(4)
    answers: list[httpx.Response] = []

    def post() -> None:
        start.wait()
        answers.append(client.post(ORDERS, json=order_body(), headers={"Idempotency-Key": "k"}))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert stored_rows(world)[0] == 1
    assert len(jobs(world.hub, "order.submit")) == 1
    world.close()


def test_a_location_resumed_after_a_pause_takes_orders_again(
    client: TestClient, admin_client: TestClient
) -> None:
    paused = admin_client.post(
        f"/api/v1/locations/{LOCATION}/status", json={"action": "pause", "reason": "inventory"}
    )
    assert paused.json()["status"] == "paused"
    assert error_of(client.post(ORDERS, json=order_body()))[1] == "location_paused"
    resumed = admin_client.post(f"/api/v1/locations/{LOCATION}/status", json={"action": "resume"})
    assert resumed.json()["status"] == "open"
    assert client.post(ORDERS, json=order_body()).status_code == 201


def test_an_expired_pause_no_longer_refuses_orders(client: TestClient, world: World) -> None:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        record.location.pause(world.clock(), until=world.clock().replace(hour=11))
        tx.save_location(record.location)
        tx.commit()
    asap = order_body(fulfillment={"type": "pickup"})
    assert error_of(client.post(ORDERS, json=asap))[1] == "location_paused"
    world.clock.advance(3600)
    assert client.post(ORDERS, json=asap).status_code == 201


def test_cancel_cancels_once_then_answers_409(client: TestClient, world: World) -> None:
    order_id = client.post(ORDERS, json=order_body()).json()["id"]
    canceled = client.post(f"{ORDERS}/{order_id}/cancel")
    assert canceled.status_code == 200
    assert canceled.json()["status"] == "canceled"
    assert error_of(client.post(f"{ORDERS}/{order_id}/cancel")) == (409, "order_final", None)
    assert announced(world.hub) == ["order.received", "order.canceled"]


def test_an_unknown_order_is_404(client: TestClient) -> None:
    assert error_of(client.get(f"{ORDERS}/ord_nope")) == (404, "unknown_order", "id")
    assert error_of(client.post(f"{ORDERS}/ord_nope/cancel")) == (404, "unknown_order", "id")


def test_a_location_without_a_published_menu_takes_no_orders(
    client: TestClient, world: World
) -> None:
    with world.hub.sessions() as session, session.begin():
        admin.create_location(
            session, TENANT, name="New", timezone="Europe/Kyiv", currency="UAH", location_id="new"
        )
    before = stored_rows(world)
    answer = client.post(ORDERS, json=order_body(location_id="new"))
    assert error_of(answer) == (400, "menu_not_published", "location_id")
    assert stored_rows(world) == before


@pytest.mark.anyio
async def test_canceling_a_submitted_order_waits_for_the_pos_to_confirm(
    client: TestClient, world: World
) -> None:
    """The POS has the order: the channel sees cancel_requested until the POS says so."""
    order_id = client.post(ORDERS, json=order_body()).json()["id"]
    await world.hub.worker().run_until_idle()
    requested = client.post(f"{ORDERS}/{order_id}/cancel").json()
    assert requested["status"] == "cancel_requested"
    await world.hub.worker().run_until_idle()
    events = [e["event"] for e in client.get(f"{ORDERS}/{order_id}").json()["timeline"]]
    assert events[-2:] == ["order.cancel_requested", "order.cancel_needs_cashier"]
    # Asking again changes nothing while the request is open.
    assert client.post(f"{ORDERS}/{order_id}/cancel").json()["status"] == "cancel_requested"

    world.pos.set_order_state(order_id, PosOrderState.DECLINED)
    with world.hub.uow() as tx:
        tx.enqueue("order.reconcile", {"order_id": order_id}, key=order_id)
        tx.commit()
    await world.hub.worker().run_until_idle()
    assert client.get(f"{ORDERS}/{order_id}").json()["status"] == "canceled"
    assert announced(world.hub)[-2:] == ["order.cancel_requested", "order.canceled"]


@pytest.mark.anyio
async def test_an_order_canceled_before_submission_never_reaches_the_pos(
    client: TestClient, world: World
) -> None:
    order_id = client.post(ORDERS, json=order_body()).json()["id"]
    client.post(f"{ORDERS}/{order_id}/cancel")
    await world.hub.worker().run_until_idle()
    assert world.pos.orders == []
    assert client.get(f"{ORDERS}/{order_id}").json()["status"] == "canceled"
    [submit] = jobs(world.hub, "order.submit")
    assert submit.result == {"skipped": "canceled"}
