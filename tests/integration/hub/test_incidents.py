"""Incidents open once per (tenant, kind, subject), clear once, and queue an alert for
each destination that wants their kind, each time; dead jobs, refused tokens and open
circuits raise them."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select

from orderbridge.bootstrap_alerts import Alerting
from orderbridge.messaging import deadletters
from orderbridge.messaging.breaker import CircuitBreaker
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.worker import Worker
from orderbridge.ports import PermanentError
from orderbridge.services import deaths, watch
from orderbridge.services.alerts import DELIVER_ALERT
from orderbridge.services.incidents import clear_incident, raise_incident
from orderbridge.services.menus import PUBLISH_MENU
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.alert_destinations import create_destination
from orderbridge.storage.alert_tables import Incident
from orderbridge.storage.incidents import SessionIncidents
from tests.integration.support.world import (
    CONNECTION,
    LOCATION,
    OTHER_TENANT,
    TENANT,
    World,
    jobs,
    place,
)

pytestmark = pytest.mark.anyio


def incidents(world: World, kind: str | None = None) -> list[Incident]:
    query = select(Incident).order_by(Incident.opened_at, Incident.id)
    if kind is not None:
        query = query.where(Incident.kind == kind)
    with world.hub.sessions() as session:
        return list(session.scalars(query))


def destination(world: World, events: list[str], url: str = "http://ops.test/alerts") -> str:
    with world.hub.sessions() as session, session.begin():
        issued = create_destination(
            session,
            world.hub.cipher,
            TENANT,
            url=url,
            events=events,
            description="",
            now=world.clock(),
        )
        return issued.row.id


def _raise(world: World, subject: str = "ord_1", detail: str = "refused") -> bool:
    with world.hub.uow() as tx:
        opened = raise_incident(
            tx,
            tenant_id=TENANT,
            kind="order.failed",
            subject_id=subject,
            detail=detail,
            now=world.clock(),
            data={"order_id": subject, "channel_order_id": "web-1"},
        )
        tx.commit()
    return opened


def _clear(world: World, subject: str = "ord_1") -> bool:
    with world.hub.uow() as tx:
        cleared = clear_incident(tx, kind="order.failed", subject_id=subject, now=world.clock())
        tx.commit()
    return cleared


def test_an_incident_opens_once_and_clears_once(world: World) -> None:
    assert _raise(world, detail="first") is True
    assert _raise(world, detail="second") is False
    [open_one] = incidents(world)
    assert (open_one.status, open_one.detail) == ("open", "second")
    world.clock.advance(60)
    assert _clear(world) is True
    assert _clear(world) is False
    [cleared] = incidents(world)
    assert (cleared.status, cleared.cleared_at) == ("cleared", world.clock())
    world.clock.advance(60)
    assert _raise(world) is True  # it came back: a new incident
    assert [i.status for i in incidents(world)] == ["cleared", "open"]


def test_each_tenant_has_its_own_incident_about_a_subject(world: World) -> None:
    assert _raise(world)
    with world.hub.uow() as tx:
        assert raise_incident(
            tx,
            tenant_id=OTHER_TENANT,
            kind="order.failed",
            subject_id="ord_1",
            detail="",
            now=world.clock(),
        )
        tx.commit()
    assert len(incidents(world)) == 2


def test_alerts_go_to_the_destinations_that_want_the_kind_opened_then_cleared(
    world: World,
) -> None:
    wants_all = destination(world, ["*"])
    world.clock.advance(1)  # destinations are listed oldest first
    wants_failed = destination(world, ["order.failed", "order.stuck"])
    destination(world, ["job.dead"])
    _raise(world)
    _raise(world)
    _clear(world)
    queued = jobs(world.hub, DELIVER_ALERT)
    assert [
        (j.payload["destination_id"], j.payload["message"]["data"]["state"]) for j in queued
    ] == [
        (wants_all, "open"),
        (wants_failed, "open"),
        (wants_all, "cleared"),
        (wants_failed, "cleared"),
    ]
    opened = queued[0].payload["message"]
    assert opened["type"] == "order.failed"
    assert opened["text"] == "[orderbridge] \N{LARGE RED CIRCLE} Order web-1 failed: refused"
    assert opened["data"]["order_id"] == "ord_1"
    assert (
        queued[2].payload["message"]["text"].startswith("[orderbridge] \N{WHITE HEAVY CHECK MARK}")
    )
    # One key per destination and incident: "cleared" never overtakes "opened".
    assert queued[0].key == queued[2].key


def test_raising_the_same_incident_in_two_transactions_at_once_opens_one(world: World) -> None:
    """The second insert waits for the first to commit and then finds it open."""
    first = world.hub.uow()
    first.__enter__()
    try:
        assert raise_incident(
            first,
            tenant_id=TENANT,
            kind="order.failed",
            subject_id="ord_1",
            detail="a",
            now=world.clock(),
        )
        results: list[bool] = []

        def second() -> None:
            results.append(_raise(world, detail="b"))

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=0.5)  # it is waiting for the first transaction
        first.commit()
    finally:
        first.__exit__(None, None, None)
    thread.join(timeout=30)
    assert results == [False]
    assert [i.status for i in incidents(world)] == ["open"]


def test_a_bare_session_needs_the_session_store(world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        with pytest.raises(TypeError):
            raise_incident(
                session,  # type: ignore[arg-type]
                tenant_id=TENANT,
                kind="job.dead",
                subject_id="7",
                detail="",
                now=world.clock(),
            )
        assert raise_incident(
            SessionIncidents(session, world.hub.queue, world.clock),
            tenant_id=TENANT,
            kind="job.dead",
            subject_id="7",
            detail="",
            now=world.clock(),
        )
    assert [i.kind for i in incidents(world)] == ["job.dead"]


async def test_a_dead_webhook_delivery_is_a_job_dead_incident_cleared_by_its_retry(
    world: World,
) -> None:
    world.receiver.answers = [410]
    place(world)
    await world.hub.worker().run_until_idle()
    [dead] = [j for j in jobs(world.hub, "webhook.deliver") if j.status == "dead"]
    [incident] = incidents(world, "job.dead")
    assert (incident.subject_id, incident.status) == (str(dead.id), "open")
    assert incident.data["job_kind"] == "webhook.deliver"
    assert incident.detail.startswith("endpoint_gone: ")
    with world.hub.sessions() as session, session.begin():
        assert deadletters.retry_dead(session, dead.id, now=world.clock())
    assert [i.status for i in incidents(world, "job.dead")] == ["open"]
    # The next scan of the watch finds the job alive again (pending): the incident clears.
    assert watch.scan(uow=world.hub.uow, clock=world.clock)["cleared"] == 1
    assert [i.status for i in incidents(world, "job.dead")] == ["cleared"]


async def test_a_dead_alert_delivery_raises_nothing(world: World) -> None:
    """Alerting about an alert destination that is gone would only feed it more."""
    destination(world, ["*"])
    with world.hub.sessions() as session, session.begin():  # the alert is the one delivery
        admin.delete_endpoint(session, TENANT, world.endpoint_id)
    world.receiver.answers = [410]
    world.pos.refuse = PermanentError("unknown_product", "product 42 is not on the menu")
    place(world)
    await world.hub.worker().run_until_idle()
    [alert] = jobs(world.hub, DELIVER_ALERT)
    assert alert.status == "dead"
    assert [i.kind for i in incidents(world)] == ["order.failed"]


async def test_a_refused_token_raises_needs_reauth_until_a_call_works_again(
    world: World,
) -> None:
    world.pos.refuse = PermanentError("reauth_required", "the token was revoked")
    place(world)
    await world.hub.worker().run_until_idle()
    [parked] = incidents(world, "connection.needs_reauth")
    assert (parked.subject_id, parked.status, parked.detail) == (
        CONNECTION,
        "open",
        "the token was revoked",
    )
    world.pos.refuse = None  # the restaurant gave the application its access back
    with world.hub.sessions() as session, session.begin():
        assert deadletters.retry_all(session, now=world.clock()) == 1
    await world.hub.worker().run_until_idle()
    with world.hub.sessions() as session:
        connection = session.get(t.Connection, CONNECTION)
        assert connection is not None
        assert (connection.status, connection.status_reason) == ("active", "")
    assert [i.status for i in incidents(world, "connection.needs_reauth")] == ["cleared"]


async def test_a_dead_menu_publish_raises_an_incident_its_next_success_clears(
    world: World,
) -> None:
    job = deaths.DeadJob(
        id=41,
        kind=PUBLISH_MENU,
        key=f"publish:{CONNECTION}:{LOCATION}",
        connection_id=CONNECTION,
        payload={"location_id": LOCATION, "connection_id": CONNECTION},
        code="pos_unavailable",
        reason="Wix answered 503",
    )
    with world.hub.uow() as tx:
        assert deaths.job_died(tx, job, now=world.clock()) == "menu.publish_failed"
        tx.commit()
    [incident] = incidents(world)
    assert (incident.kind, incident.subject_id) == (
        "menu.publish_failed",
        f"{CONNECTION}:{LOCATION}",
    )

    async def published(job: JobView) -> Mapping[str, Any]:
        return {"version": "v2"}

    wrapped = Alerting(world.hub).handlers({PUBLISH_MENU: published})[PUBLISH_MENU]
    view = JobView(41, PUBLISH_MENU, job.key, job.payload, 1, CONNECTION, 1, world.clock())
    await wrapped(view)
    assert [i.status for i in incidents(world)] == ["cleared"]


async def test_an_open_circuit_is_an_incident_until_a_call_works_again(world: World) -> None:
    now = [0.0]
    alerting = Alerting(world.hub)
    worker = Worker(
        world.hub.sessions,
        world.hub.handlers(),
        clock=world.clock,
        retry_policy=world.hub.retry_policy,
        poll_interval=0.01,
        breaker=CircuitBreaker(
            minimum_calls=2, half_open_calls=1, cooldown_seconds=30, clock=lambda: now[0]
        ),
        on_breaker=alerting.on_breaker,
        on_dead=alerting.on_dead,
    )
    world.pos.fail_next = 2
    place(world)
    await worker.run_until_idle()  # two failures open the circuit; the job waits
    [opened] = incidents(world, "connection.breaker_open")
    assert (opened.subject_id, opened.status) == (CONNECTION, "open")
    now[0] = 31.0  # the cool-down is over: one trial call, which works
    await worker.run_until_idle()
    assert [i.status for i in incidents(world, "connection.breaker_open")] == ["cleared"]


async def test_a_circuit_left_open_by_a_dead_worker_clears_on_the_next_success(
    world: World,
) -> None:
    """The worker that opened it died with it: another worker's first call that works
    on the connection clears the incident."""
    with world.hub.uow() as tx:
        raise_incident(
            tx,
            tenant_id=TENANT,
            kind="connection.breaker_open",
            subject_id=CONNECTION,
            detail="",
            now=world.clock(),
        )
        tx.commit()
    place(world)
    await world.hub.worker().run_until_idle()
    assert [i.status for i in incidents(world, "connection.breaker_open")] == ["cleared"]
