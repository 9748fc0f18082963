"""``order.stuck`` for a scheduled order counts from its release (the moment the hub
sends it to the POS: its time minus the lead time), not from when it was received: a
pre-order for tomorrow is not stuck tonight, and still is if the POS sits on it once it
has it. Both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orderbridge.domain.orders import Fulfilment, FulfilmentType, OrderStatus
from orderbridge.ports import PosOrderState
from orderbridge.services import pipeline, watch
from tests.integration.hub.test_watch import _incidents
from tests.integration.support.world import World, draft, place

pytestmark = pytest.mark.anyio


def _scan(world: World) -> dict[str, int]:
    return watch.scan(uow=world.hub.uow, clock=world.clock)


def _status(world: World, order_id: str) -> OrderStatus:
    with world.hub.uow() as tx:
        stored = tx.get_order(order_id)
    assert stored is not None
    return stored.order.status


async def test_a_pre_order_waits_from_its_release_not_from_its_arrival(world: World) -> None:
    wanted = world.clock() + timedelta(hours=20)  # released at +19 h 30 (30 min lead)
    order_id = place(
        world, draft(fulfilment=Fulfilment(FulfilmentType.PICKUP, time=wanted))
    ).stored.order.id
    await world.hub.worker().run_until_idle()
    world.clock.advance(3 * 3600)  # held by the hub all evening: never stuck
    assert _status(world, order_id) is OrderStatus.SCHEDULED
    assert _scan(world)["opened"] == 0

    world.clock.advance(timedelta(hours=16, minutes=30).total_seconds())  # release time
    await world.hub.worker().run_until_idle()
    assert _status(world, order_id) is OrderStatus.SUBMITTED
    world.clock.advance(9 * 60)  # 19 h 39 after it arrived, 9 min after its release
    assert _scan(world)["opened"] == 0
    assert _incidents(world, "order.stuck") == []

    world.clock.advance(2 * 60)  # 11 min after the release: the POS is sitting on it
    assert _scan(world)["opened"] == 1
    assert _incidents(world, "order.stuck") == [(order_id, "open")]
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    await pipeline.reconcile_order(
        order_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert _scan(world)["cleared"] == 1


async def test_an_order_for_now_still_counts_from_its_arrival(world: World) -> None:
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    world.clock.advance(11 * 60)
    assert _scan(world)["opened"] == 1
    assert _incidents(world, "order.stuck") == [(order_id, "open")]
