"""``POST /webhooks/pos/{connection}`` for a REST POS: verified as its manifest says,
stored once with its job; the worker turns a status change into a reconcile that asks
the POS (Countertop, in-process) and moves the order. SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from orderbridge.connectors.rest_pos.webhooks import REST_POS_EVENT
from orderbridge.domain.drafts import DraftLine
from orderbridge.domain.locations import OpeningInterval, Weekday
from orderbridge.domain.orders import OrderStatus
from orderbridge.messaging.tables import InboxEvent, JobAttempt
from orderbridge.sandboxes.rest_pos.app import create_app
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.seed import DEMO_API_KEY, DEMO_WEBHOOK_SECRET, demo_world
from orderbridge.sandboxes.rest_pos.state import OpeningHours
from orderbridge.services import menus
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from tests.integration.support.api import error_of
from tests.integration.support.world import (
    LOCATION,
    TENANT,
    World,
    announced,
    build_world,
    count,
    draft,
    jobs,
    place,
    stored,
)

CONNECTION = "con_countertop"
HOOK = f"/webhooks/pos/{CONNECTION}"
pytestmark = pytest.mark.anyio


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    sandbox = CountertopSandbox(demo_world())
    built.hub.pos_transport = httpx.ASGITransport(app=create_app(sandbox))
    del built.hub.pos_for  # the real, registry-built connectors (not the fake POS)
    with built.hub.sessions() as session, session.begin():
        admin.create_connection(
            session,
            built.hub.cipher,
            TENANT,
            kind="rest_pos",
            role="pos",
            name="Countertop",
            credentials={"api_key": DEMO_API_KEY, "webhook_secret": DEMO_WEBHOOK_SECRET},
            settings={"manifest": "sandbox", "base_url": "http://127.0.0.1:8030"},
            connection_id=CONNECTION,
        )
        session.execute(delete(t.LocationLink).where(t.LocationLink.location_id == LOCATION))
        admin.link_location(session, LOCATION, CONNECTION, "st_podil")
    built.sandbox = sandbox  # type: ignore[attr-defined]
    yield built
    built.close()


def signed(
    world: World, event: dict[str, Any], *, secret: str = DEMO_WEBHOOK_SECRET, at: int | None = None
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    stamp = at if at is not None else int(world.clock().timestamp())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {
        "Countertop-Signature": f"t={stamp},v1={digest}",
        "content-type": "application/json",
    }


def status_changed(
    ticket_id: str, status: str = "accepted", event_id: str = "evt_1"
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "ticket.status_changed",
        "created": 0,
        "storeId": "st_podil",
        "data": {"ticketId": ticket_id, "status": status},
    }


def test_a_signed_webhook_is_stored_once_and_a_bad_one_not_at_all(world: World) -> None:
    pos = TestClient(world.hub.app())
    body, headers = signed(world, status_changed("tk_1001"))
    assert pos.post(HOOK, content=body, headers=headers).json() == {"received": 1, "duplicates": 0}
    assert pos.post(HOOK, content=body, headers=headers).json() == {"received": 0, "duplicates": 1}
    [job] = jobs(world.hub, REST_POS_EVENT)
    assert job.payload["pos_order_id"] == "tk_1001" and job.connection_id == CONNECTION
    forged, forged_headers = signed(
        world, status_changed("tk_1002", event_id="evt_2"), secret="guess"
    )
    assert error_of(pos.post(HOOK, content=forged, headers=forged_headers))[:2] == (
        401,
        "invalid_signature",
    )
    old, old_headers = signed(
        world, status_changed("tk_1003", event_id="evt_3"), at=int(world.clock().timestamp()) - 3600
    )
    assert error_of(pos.post(HOOK, content=old, headers=old_headers))[:2] == (401, "stale_webhook")
    assert count(world.hub, InboxEvent) == 1


def test_a_ticket_created_event_is_kept_without_work(world: World) -> None:
    pos = TestClient(world.hub.app())
    event = {**status_changed("tk_1001"), "type": "ticket.created"}
    body, headers = signed(world, event)
    assert pos.post(HOOK, content=body, headers=headers).status_code == 200
    assert count(world.hub, InboxEvent) == 1 and jobs(world.hub, REST_POS_EVENT) == []


async def test_the_cashiers_accept_moves_the_order_through_webhook_and_worker(world: World) -> None:
    imported = await menus.import_menu(
        LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert imported["changed"] is True  # the café's menu is now Countertop's
    croissants = draft("web-77", items=(DraftLine("DS-CRS", 2),))
    order_id = place(world, croissants).stored.order.id
    await world.hub.worker().run_until_idle()  # submitted to Countertop, through the manifest
    submitted = stored(world.hub, order_id)
    assert submitted.order.status is OrderStatus.SUBMITTED and submitted.pos_order_id
    sandbox: CountertopSandbox = world.sandbox  # type: ignore[attr-defined]
    sandbox.move_ticket(submitted.pos_order_id, "accepted")
    body, headers = signed(world, status_changed(submitted.pos_order_id))
    assert TestClient(world.hub.app()).post(HOOK, content=body, headers=headers).status_code == 200
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.ACCEPTED


async def test_an_answer_without_the_promised_field_fails_as_permanent_redacted(
    world: World,
) -> None:
    """Countertop answers a create without the ticket's id: the attempt fails at once
    (no retry), its row names the service and the missing path, and the phone in the
    answer never reaches the row."""

    def broken(request: httpx.Request) -> httpx.Response:
        guest = {"name": "Олена", "phone": "+380671234567"}
        return httpx.Response(201, json={"ticket": {"status": "open", "guest": guest}})

    await menus.import_menu(
        LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    await world.hub.aclose()  # connectors are rebuilt on the new transport
    world.hub.pos_transport = httpx.MockTransport(broken)
    order_id = place(world, draft("web-78", items=(DraftLine("DS-CRS", 1),))).stored.order.id
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.FAILED
    [submit] = jobs(world.hub, "order.submit")
    with world.hub.sessions() as session:
        [attempt] = session.scalars(select(JobAttempt).where(JobAttempt.job_id == submit.id)).all()
    assert attempt.outcome == "permanent"
    assert "answer to create_order has a record without id" in (attempt.error or "")
    assert "guest" in (attempt.error or "") and "+380671234567" not in (attempt.error or "")


def hours_changed(event_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "store.hours_changed",
        "created": 0,
        "storeId": "st_podil",
        "data": {"intervals": 2},
    }


async def test_hours_changed_at_the_register_become_the_locations_hours(world: World) -> None:
    """The owner sets Podil's hours at Countertop (Mondays and Wednesdays only; the world's
    clock says Sunday noon in Kyiv): the webhook makes the worker read them from
    Countertop, the location takes them and reports itself closed until Monday 09:00,
    and the change is announced once (the same hours told again change nothing)."""
    sandbox: CountertopSandbox = world.sandbox  # type: ignore[attr-defined]
    rows = [
        OpeningHours(day="MON", opens="09:00", closes="14:00"),
        OpeningHours(day="WED", opens="18:00", closes="02:00"),
    ]
    sandbox.set_hours(rows, "st_podil")
    hook = TestClient(world.hub.app())
    body, headers = signed(world, hours_changed("evt_h1"))
    assert hook.post(HOOK, content=body, headers=headers).json()["received"] == 1
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
    assert record is not None and record.location.schedule is not None
    assert dict(record.location.schedule.hours) == {
        Weekday.MONDAY: (OpeningInterval(time(9), time(14)),),
        Weekday.WEDNESDAY: (OpeningInterval(time(18), time(2)),),
    }
    shop = TestClient(world.hub.app(), headers={"authorization": f"Bearer {world.api_key}"})
    [podil] = [x for x in shop.get("/api/v1/locations").json()["locations"] if x["id"] == LOCATION]
    assert podil["status"] == "closed", podil
    assert podil["opens_at"].endswith("T09:00:00+02:00")  # Monday morning, Kyiv time
    assert announced(world.hub).count("location.status_changed") == 1
    body, headers = signed(world, hours_changed("evt_h2"))
    assert hook.post(HOOK, content=body, headers=headers).json()["received"] == 1
    await world.hub.worker().run_until_idle()
    assert announced(world.hub).count("location.status_changed") == 1
