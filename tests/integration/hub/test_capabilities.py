"""Services read the POS connector's capabilities before relying on a feature."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orderbridge.domain.orders import OrderStatus
from orderbridge.domain.reservations import ReservationStatus
from orderbridge.ports import PosOrderState
from orderbridge.services import menus, pipeline
from tests.integration.hub.test_reservations import _load, _place, _reservation
from tests.integration.support.world import LOCATION, World, events_of, jobs, place, stored

pytestmark = pytest.mark.anyio


async def test_without_lookup_by_key_a_retry_creates_again(world: World) -> None:
    """A POS whose create is idempotent by the key itself is not asked to find the order
    (it cannot): the retry's create is the lookup, and the fake counts it."""
    world.pos.capabilities = replace(world.pos.capabilities, order_lookup_by_key=False)
    world.pos.ambiguous_next = 1
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    assert len(world.pos.created(order_id)) == 2  # this fake POS does not dedup by key
    found = stored(world.hub, order_id)
    assert found.order.status is OrderStatus.SUBMITTED and "pos.found" not in events_of(found)


async def test_a_pos_without_status_polling_is_not_asked(world: World) -> None:
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    world.pos.capabilities = replace(world.pos.capabilities, status_polling=False)
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    result = await pipeline.reconcile_order(
        order_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert result == {"skipped": "no_status_polling"}
    assert stored(world.hub, order_id).order.status is OrderStatus.SUBMITTED


async def test_a_pos_without_reservations_fails_them_at_once_with_the_reason(
    world: World,
) -> None:
    world.pos.capabilities = replace(world.pos.capabilities, reservations=False)
    placed, _ = _place(world, _reservation(world))
    await world.hub.worker().run_until_idle()
    found = _load(world, placed.reservation.id)
    assert found.reservation.status is ReservationStatus.FAILED
    assert "reservations_not_supported" in found.reservation.timeline[-1].detail
    assert world.pos.reservations == []
    [job] = jobs(world.hub, "reservation.submit")
    assert job.status == "dead"  # permanent: not retried


async def test_a_pos_without_menu_import_leaves_the_published_menu(world: World) -> None:
    world.pos.capabilities = replace(world.pos.capabilities, menu_import=False)
    result = await menus.import_menu(
        LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert result == {"skipped": "no_menu_import"}
