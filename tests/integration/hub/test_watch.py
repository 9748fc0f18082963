"""The incident watch: ``order.stuck`` fires once N minutes after an order arrived
unaccepted and clears once it is accepted; parked connections are reported until their
status says otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from orderbridge.ports import PermanentError, PosOrderState
from orderbridge.services import pipeline, watch
from orderbridge.services.alerts import DELIVER_ALERT
from orderbridge.services.orders import replay_order
from orderbridge.storage import tables as t
from orderbridge.storage.alert_destinations import create_destination
from orderbridge.storage.alert_tables import Incident
from tests.integration.support.world import CONNECTION, LOCATION, TENANT, World, jobs, place

pytestmark = pytest.mark.anyio


def _scan(world: World) -> dict[str, int]:
    return watch.scan(uow=world.hub.uow, clock=world.clock)


def _incidents(world: World, kind: str) -> list[tuple[str, str]]:
    with world.hub.sessions() as session:
        rows = session.scalars(
            select(Incident).where(Incident.kind == kind).order_by(Incident.opened_at)
        )
        return [(row.subject_id, row.status) for row in rows]


def _stuck_after(world: World, minutes: int) -> None:
    with world.hub.sessions() as session, session.begin():
        session.execute(
            update(t.Location).where(t.Location.id == LOCATION).values(stuck_after_minutes=minutes)
        )


async def _submitted_order(world: World) -> str:
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    return order_id


async def test_an_unaccepted_order_is_stuck_once_and_clears_once_accepted(world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        create_destination(
            session,
            world.hub.cipher,
            TENANT,
            url="http://ops.test/alerts",
            events=["order.stuck"],
            description="",
            now=world.clock(),
        )
    order_id = await _submitted_order(world)
    world.clock.advance(9 * 60)
    assert _scan(world) == {"opened": 0, "cleared": 0}
    world.clock.advance(2 * 60)
    assert _scan(world) == {"opened": 1, "cleared": 0}
    assert _scan(world) == {"opened": 0, "cleared": 0}  # still stuck: nothing new
    assert _incidents(world, "order.stuck") == [(order_id, "open")]
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    await pipeline.reconcile_order(
        order_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert _scan(world) == {"opened": 0, "cleared": 1}
    assert _scan(world) == {"opened": 0, "cleared": 0}
    assert _incidents(world, "order.stuck") == [(order_id, "cleared")]
    alerts = [j.payload["message"] for j in jobs(world.hub, DELIVER_ALERT)]
    assert [(m["type"], m["data"]["state"]) for m in alerts] == [
        ("order.stuck", "open"),
        ("order.stuck", "cleared"),
    ]
    assert "not accepted by the POS yet" in alerts[0]["text"]


async def test_each_location_sets_its_own_wait_and_zero_turns_it_off(world: World) -> None:
    order_id = await _submitted_order(world)
    _stuck_after(world, 30)
    world.clock.advance(29 * 60)
    assert _scan(world)["opened"] == 0
    world.clock.advance(2 * 60)
    _stuck_after(world, 0)
    assert _scan(world)["opened"] == 0
    _stuck_after(world, 30)
    assert _scan(world)["opened"] == 1
    assert _incidents(world, "order.stuck") == [(order_id, "open")]


async def test_orders_of_a_location_with_the_watch_off_are_not_even_read(world: World) -> None:
    """They would otherwise fill the watch's batch and hide other locations' orders."""
    order_id = await _submitted_order(world)
    world.clock.advance(60 * 60)
    with world.hub.uow() as tx:
        waiting = tx.waiting_orders(since_before=world.clock(), limit=10)
    assert [w.order_id for w in waiting] == [order_id]
    _stuck_after(world, 0)
    with world.hub.uow() as tx:
        assert tx.waiting_orders(since_before=world.clock(), limit=10) == []


async def test_a_failed_order_is_not_stuck_and_a_replay_starts_the_wait_again(
    world: World,
) -> None:
    world.pos.refuse = PermanentError("unknown_product", "product 42 is not on the menu")
    order_id = await _submitted_order(world)
    world.clock.advance(20 * 60)
    assert _scan(world)["opened"] == 0  # failed, not stuck (order.failed said it)
    world.pos.refuse = None
    world.pos.fail_next = 0
    with world.hub.uow() as tx:
        replay_order(tx, order_id=order_id, now=world.clock())
    await world.hub.worker().run_until_idle()
    world.clock.advance(5 * 60)
    assert _scan(world)["opened"] == 0  # 25 minutes old, but replayed 5 minutes ago
    world.clock.advance(6 * 60)
    assert _scan(world)["opened"] == 1


async def test_a_parked_connection_is_reported_until_its_status_changes(world: World) -> None:
    """Credentials replaced by an operator (the status set back to active elsewhere)
    clear the incident at the next scan."""
    with world.hub.uow() as tx:
        tx.set_connection_status(CONNECTION, "needs_reauth", "token revoked")
        tx.commit()
    assert _scan(world) == {"opened": 1, "cleared": 0}
    assert _scan(world) == {"opened": 0, "cleared": 0}
    with world.hub.uow() as tx:
        tx.set_connection_status(CONNECTION, "active")
        tx.commit()
    assert _scan(world) == {"opened": 0, "cleared": 1}
    assert _incidents(world, "connection.needs_reauth") == [(CONNECTION, "cleared")]


async def test_the_watch_runs_as_a_job(world: World) -> None:
    await _submitted_order(world)
    world.clock.advance(11 * 60)
    assert world.hub.enqueue_once(watch.WATCH, {}, key="incidents.scan")
    await world.hub.worker().run_until_idle()
    [job] = jobs(world.hub, watch.WATCH)
    assert (job.status, job.result) == ("succeeded", {"opened": 1, "cleared": 0})
