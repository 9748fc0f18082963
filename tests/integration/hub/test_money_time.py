"""Times and cancels through the real worker, on SQLite and PostgreSQL: a scheduled
order waits in the hub until its release, a pause and busy mode end by themselves as
events, automatic busy mode follows the open orders, a cancel reaches the cashier."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from structlog.testing import capture_logs

from orderbridge.domain.location_options import OrderingOptions
from orderbridge.domain.orders import Fulfilment, FulfilmentType, OrderStatus
from orderbridge.ports import PosOrderState
from orderbridge.services import locations as location_service
from orderbridge.services.orders import cancel_order
from tests.integration.support.fake_pos import CancellingPos, CashierPos, FakePos
from tests.integration.support.world import (
    LOCATION,
    TENANT,
    World,
    announced,
    build_world,
    draft,
    jobs,
    place,
)

pytestmark = pytest.mark.anyio


def _stored_status(world: World, order_id: str) -> OrderStatus:
    with world.hub.uow() as tx:
        stored = tx.get_order(order_id)
    assert stored is not None
    return stored.order.status


def _status_events(world: World) -> list[dict[str, object]]:
    return [
        job.payload["message"]["data"]
        for job in jobs(world.hub, "webhook.deliver")
        if job.payload["message"]["type"] == "location.status_changed"
    ]


async def test_a_scheduled_order_waits_in_the_hub_until_time_minus_lead_time(world: World) -> None:
    wanted = world.clock() + timedelta(hours=3)
    placed = place(world, draft(fulfilment=Fulfilment(FulfilmentType.PICKUP, time=wanted)))
    order_id = placed.stored.order.id
    assert placed.stored.order.status is OrderStatus.SCHEDULED
    assert announced(world.hub) == ["order.received", "order.scheduled"]
    [submit] = jobs(world.hub, "order.submit")
    assert submit.run_after == wanted - timedelta(minutes=30)

    await world.hub.worker().run_until_idle()
    assert world.pos.orders == [] and _stored_status(world, order_id) is OrderStatus.SCHEDULED

    world.clock.advance(timedelta(hours=2, minutes=30).total_seconds())
    await world.hub.worker().run_until_idle()
    assert [e.key for e in world.pos.orders] == [order_id]
    assert _stored_status(world, order_id) is OrderStatus.SUBMITTED
    assert announced(world.hub)[-1] == "order.submitted"


async def test_a_scheduled_order_canceled_before_its_release_never_reaches_the_pos(
    world: World,
) -> None:
    wanted = world.clock() + timedelta(hours=3)
    order_id = place(
        world, draft(fulfilment=Fulfilment(FulfilmentType.PICKUP, time=wanted))
    ).stored.order.id
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    world.clock.advance(4 * 3600)
    await world.hub.worker().run_until_idle()
    assert world.pos.orders == []
    assert _stored_status(world, order_id) is OrderStatus.CANCELED


async def test_a_timed_pause_ends_by_itself_as_an_event(world: World) -> None:
    until = world.clock() + timedelta(minutes=20)
    with world.hub.uow() as tx:
        location_service.change_status(
            tx,
            tenant_id=TENANT,
            location_id=LOCATION,
            change=lambda location: (location.pause(world.clock(), until=until), True)[1],
            now=world.clock(),
        )
    await world.hub.worker().run_until_idle()
    assert [e["status"] for e in _status_events(world)] == ["paused"]

    world.clock.advance(20 * 60)
    await world.hub.worker().run_until_idle()
    assert [e["status"] for e in _status_events(world)] == ["paused", "open"]
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
    assert record is not None and record.location.pause_state is None  # a fact, not a guess


async def test_a_pause_lifted_early_leaves_its_end_job_nothing_to_do(world: World) -> None:
    now = world.clock()
    for change in (
        lambda location: (location.pause(now, until=now + timedelta(minutes=20)), True)[1],
        lambda location: location.resume(now),
    ):
        with world.hub.uow() as tx:
            location_service.change_status(
                tx, tenant_id=TENANT, location_id=LOCATION, change=change, now=now
            )
    world.clock.advance(30 * 60)
    await world.hub.worker().run_until_idle()
    assert [e["status"] for e in _status_events(world)] == ["paused", "open"]
    [expiry] = jobs(world.hub, "location.expire")
    assert expiry.result == {"ended": []}


async def test_busy_mode_ends_by_itself_and_is_announced_both_times(world: World) -> None:
    now = world.clock()
    with world.hub.uow() as tx:
        location_service.change_status(
            tx,
            tenant_id=TENANT,
            location_id=LOCATION,
            change=lambda location: location.set_busy(
                now, extra_minutes=25, until=now + timedelta(hours=1)
            ),
            now=now,
        )
    world.clock.advance(3600)
    await world.hub.worker().run_until_idle()
    busy = [e["busy"] for e in _status_events(world)]
    assert busy == [{"extra_minutes": 25, "until": (now + timedelta(hours=1)).isoformat()}, None]


async def test_automatic_busy_mode_follows_the_open_orders_at_the_pos(world: World) -> None:
    with world.hub.uow() as tx:
        tx.save_ordering_options(
            LOCATION, OrderingOptions(auto_busy_threshold=1, auto_busy_minutes=15)
        )
        tx.commit()
    first = place(world, draft("web-1")).stored.order.id
    await world.hub.worker().run_until_idle()
    assert _status_events(world) == []  # one open order: not more than the threshold
    place(world, draft("web-2"))
    await world.hub.worker().run_until_idle()
    [on] = _status_events(world)
    assert on["busy"] == {"extra_minutes": 15, "until": None}

    world.pos.set_order_state(first, PosOrderState.COMPLETED)
    with world.hub.uow() as tx:
        tx.enqueue("order.reconcile", {"order_id": first}, key=first)
        tx.commit()
    await world.hub.worker().run_until_idle()
    assert [e["busy"] for e in _status_events(world)][-1] is None


def _world_with(db_url: str, pos: FakePos) -> Iterator[World]:
    built = build_world(db_url, pos=pos)
    yield built
    built.close()


@pytest.fixture
def cashier_world(db_url: str) -> Iterator[World]:
    yield from _world_with(db_url, CashierPos())


async def test_a_cancel_is_written_on_the_check_once_the_cashier_accepted(
    cashier_world: World,
) -> None:
    world = cashier_world
    pos = world.pos
    assert isinstance(pos, CashierPos)
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    pos.set_order_state(order_id, PosOrderState.ACCEPTED, check_id="5501")
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    await world.hub.worker().run_until_idle()
    [note] = pos.notes["5501"]
    assert note.startswith("CANCELED by storefront #web-1001") and "Do not prepare" in note
    assert _stored_status(world, order_id) is OrderStatus.CANCEL_REQUESTED

    pos.set_order_state(order_id, PosOrderState.CANCELED, check_id="5501")
    with world.hub.uow() as tx:
        tx.enqueue("order.reconcile", {"order_id": order_id}, key=order_id)
        tx.commit()
    await world.hub.worker().run_until_idle()
    assert _stored_status(world, order_id) is OrderStatus.CANCELED
    assert pos.notes == {"5501": [note]}  # written once


async def test_a_new_order_canceled_is_flagged_then_written_when_accepted_anyway(
    cashier_world: World,
) -> None:
    world = cashier_world
    pos = world.pos
    assert isinstance(pos, CashierPos)
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    with capture_logs() as logs:
        await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        stored = tx.get_order(order_id)
    assert stored is not None
    assert "order.cancel_needs_cashier" in [e.event for e in stored.order.timeline]
    [flagged] = [e for e in logs if e["event"] == "order.cancel_needs_cashier"]
    assert flagged["order_id"] == order_id and flagged["log_level"] == "warning"
    assert "phone" not in str(flagged)
    assert pos.notes == {}

    pos.set_order_state(order_id, PosOrderState.ACCEPTED, check_id="77")
    with world.hub.uow() as tx:
        tx.enqueue("order.reconcile", {"order_id": order_id}, key=order_id)
        tx.commit()
    await world.hub.worker().run_until_idle()
    assert len(pos.notes["77"]) == 1
    assert _stored_status(world, order_id) is OrderStatus.CANCEL_REQUESTED


@pytest.fixture
def cancelling_world(db_url: str) -> Iterator[World]:
    yield from _world_with(db_url, CancellingPos())


async def test_a_pos_that_cancels_by_api_is_asked_to(cancelling_world: World) -> None:
    world = cancelling_world
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    await world.hub.worker().run_until_idle()
    assert _stored_status(world, order_id) is OrderStatus.CANCELED
    [relay] = jobs(world.hub, "order.cancel_at_pos")
    assert relay.result is not None and relay.result["action"] == "canceled_at_pos"
    assert announced(world.hub)[-2:] == ["order.cancel_requested", "order.canceled"]
