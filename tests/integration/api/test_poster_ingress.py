"""``POST /webhooks/poster``: verify, store once, acknowledge; applications install and leave.

Signatures are computed here from Poster's documented recipe, independently of the
hub's code: ``md5("account;object;object_id;action[;data];time;secret")``. Every test
runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderbridge.connectors.poster.events import POSTER_EVENT
from orderbridge.domain.orders import OrderStatus
from orderbridge.messaging.tables import InboxEvent, OutboxJob
from orderbridge.ports import PosOrderState
from orderbridge.storage import tables as t
from tests.integration.support.api import error_of
from tests.integration.support.world import (
    APP_SECRET,
    CONNECTION,
    POSTER_ACCOUNT,
    POSTER_TOKEN,
    World,
    build_world,
    count,
    jobs,
    place,
    stored,
)

HOOK = "/webhooks/poster"


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()


@pytest.fixture
def poster(world: World) -> TestClient:
    """Poster's side: no API key, only signatures."""
    return TestClient(world.hub.app())


def signed(
    object: str = "incoming_order",
    object_id: int = 101,
    action: str = "changed",
    data: dict[str, Any] | None = None,
    *,
    account: str = POSTER_ACCOUNT,
    secret: str = APP_SECRET,
    time: str = "1795340000",
) -> dict[str, Any]:
    """A webhook body as Poster sends it; ``data`` travels as a JSON string."""
    raw = None if data is None else json.dumps(data, separators=(",", ":"))
    parts = [account, object, str(object_id), action, *([raw] if raw else []), time, secret]
    body: dict[str, Any] = {
        "account": account,
        "account_number": "4242",
        "object": object,
        "object_id": object_id,
        "action": action,
        "time": time,
        "verify": hashlib.md5(";".join(parts).encode()).hexdigest(),
    }
    if raw is not None:
        body["data"] = raw
    return body


def _stored_counts(world: World) -> tuple[int, int]:
    return count(world.hub, InboxEvent), count(world.hub, OutboxJob)


def _connection(world: World) -> t.Connection:
    with world.hub.sessions() as session:
        row = session.get(t.Connection, CONNECTION)
        assert row is not None
        return row


def test_a_signed_webhook_is_stored_queued_and_accepted(poster: TestClient, world: World) -> None:
    answer = poster.post(HOOK, json=signed())
    assert (answer.status_code, answer.json()) == (200, {"status": "accept"})
    with world.hub.sessions() as session:
        [event] = session.scalars(select(InboxEvent)).all()
    assert event.source == "poster"
    assert event.payload["object_id"] == "101"
    assert "verify" not in event.payload
    [job] = jobs(world.hub, POSTER_EVENT)
    assert (job.connection_id, job.payload["object"]) == (CONNECTION, "incoming_order")
    assert APP_SECRET not in json.dumps([event.payload, event.headers, job.payload])


def test_an_added_incoming_order_is_stored_processed_and_accepted_without_a_job(
    poster: TestClient, world: World
) -> None:
    """Every order the hub creates at Poster comes back as an ``added`` webhook: kept
    for dedup and audit, but nothing for a worker to do."""
    body = signed(action="added")
    for _ in range(2):
        answer = poster.post(HOOK, json=body)
        assert (answer.status_code, answer.json()) == (200, {"status": "accept"})
    with world.hub.sessions() as session:
        [event] = session.scalars(select(InboxEvent)).all()
    assert (event.payload["action"], event.status) == ("added", "processed")
    assert event.processed_at is not None
    assert jobs(world.hub) == []


def test_a_changed_incoming_order_still_queues_its_job(poster: TestClient, world: World) -> None:
    assert poster.post(HOOK, json=signed(action="added")).status_code == 200
    assert poster.post(HOOK, json=signed(action="changed")).status_code == 200
    with world.hub.sessions() as session:
        statuses = {e.payload["action"]: e.status for e in session.scalars(select(InboxEvent))}
    assert statuses == {"added": "processed", "changed": "received"}
    [job] = jobs(world.hub)
    assert (job.kind, job.payload["action"]) == (POSTER_EVENT, "changed")


def test_the_event_is_processed_once_its_job_ran(poster: TestClient, world: World) -> None:
    assert poster.post(HOOK, json=signed(action="changed")).status_code == 200
    asyncio.run(world.hub.worker().run_until_idle())
    with world.hub.sessions() as session:
        [event] = session.scalars(select(InboxEvent)).all()
    [job] = jobs(world.hub)
    assert job.status == "succeeded"
    assert (event.status, event.processed_at) == ("processed", world.clock())


def test_the_same_webhook_three_times_is_stored_once(poster: TestClient, world: World) -> None:
    body = signed()
    answers = [poster.post(HOOK, json=body) for _ in range(3)]
    assert [a.json() for a in answers] == [{"status": "accept"}] * 3
    assert _stored_counts(world) == (1, 1)


def test_the_same_webhook_three_times_at_once_is_stored_once(
    poster: TestClient, world: World
) -> None:
    body = signed()
    start = threading.Barrier(3)
    answers: list[httpx.Response] = []

    def deliver() -> None:
        start.wait()
        answers.append(poster.post(HOOK, json=body))

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert _stored_counts(world) == (1, 1)


@pytest.mark.parametrize(
    "body",
    [
        signed(secret="not-the-secret"),
        {**signed(), "object_id": 102},  # signed for another order
        {**signed(), "verify": ""},
        {k: v for k, v in signed().items() if k != "verify"},
    ],
    ids=["wrong-secret", "tampered", "empty-verify", "no-verify"],
)
def test_a_badly_signed_webhook_is_401_and_stores_nothing(
    poster: TestClient, world: World, body: dict[str, Any]
) -> None:
    before = _stored_counts(world)
    status, code, _ = error_of(poster.post(HOOK, json=body))
    assert status == 401
    assert code in {"invalid_signature", "invalid_webhook"}
    assert _stored_counts(world) == before


def test_an_unknown_account_is_404(poster: TestClient, world: World) -> None:
    answer = poster.post(HOOK, json=signed(account="somebody-else"))
    assert error_of(answer) == (404, "unknown_account", "account")
    assert _stored_counts(world) == (0, 0)


def test_a_body_that_is_not_json_is_400(poster: TestClient) -> None:
    answer = poster.post(HOOK, content=b"account=cafe", headers={"content-type": "text/plain"})
    assert error_of(answer)[:2] == (400, "malformed_json")


def test_installing_the_application_stores_the_new_token_encrypted_only(
    poster: TestClient, world: World
) -> None:
    with world.hub.uow() as tx:
        tx.set_connection_status(CONNECTION, "needs_reauth", "token revoked")
        tx.commit()
    token = "4242:fresh-token-9f3a"
    body = signed("application", 77, "added", {"user_id": 1, "access_token": token})
    assert poster.post(HOOK, json=body).json() == {"status": "accept"}
    row = _connection(world)
    assert (row.status, row.status_reason) == ("active", "")
    assert token not in row.credentials
    credentials = world.hub.cipher.decrypt(row.credentials)
    assert credentials == {"token": token, "application_secret": APP_SECRET}
    assert token != POSTER_TOKEN
    with world.hub.sessions() as session:
        rows = [*session.scalars(select(InboxEvent)), *session.scalars(select(OutboxJob))]
    dumped = json.dumps([(getattr(r, "payload", None), getattr(r, "headers", None)) for r in rows])
    assert token not in dumped


def test_removing_the_application_disables_the_connection(poster: TestClient, world: World) -> None:
    assert (
        poster.post(HOOK, json=signed("application", 77, "removed", {"user_id": 1})).status_code
        == 200
    )
    assert _connection(world).status == "disabled"


@pytest.mark.anyio
async def test_an_order_webhook_makes_the_hub_read_the_order_from_the_pos(
    poster: TestClient, world: World
) -> None:
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    pos_id = int(stored(world.hub, order_id).pos_order_id or 0)
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    assert poster.post(HOOK, json=signed(object_id=pos_id)).status_code == 200
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.ACCEPTED
    # A late, duplicated "changed" for the same order moves nothing further.
    assert poster.post(HOOK, json=signed(object_id=pos_id, time="1795340060")).status_code == 200
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.ACCEPTED
    assert world.receiver.types() == ["order.received", "order.submitted", "order.accepted"]
    assert count(world.hub, InboxEvent) == 2
