"""Following the POS: reconcile moves orders forward only, and the sweep finds stale ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orderbridge.domain.orders import OrderStatus
from orderbridge.ports import PermanentError, PosOrderState
from orderbridge.services import pipeline, sweep
from orderbridge.storage.uow import ConcurrentUpdate
from tests.integration.support.world import (
    CONNECTION,
    World,
    announced,
    draft,
    events_of,
    jobs,
    place,
    stored,
)

pytestmark = pytest.mark.anyio


async def _submitted(world: World, channel_order_id: str = "web-1001") -> str:
    order_id = place(world, draft(channel_order_id)).stored.order.id
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.SUBMITTED
    return order_id


async def _reconcile(world: World, order_id: str) -> dict[str, object]:
    return await pipeline.reconcile_order(
        order_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )


def _announced_after_submit(world: World) -> list[str]:
    return announced(world.hub)[2:]  # order.received, order.submitted come first


@pytest.mark.parametrize(
    ("state", "status", "moves"),
    [
        (PosOrderState.ACCEPTED, OrderStatus.ACCEPTED, ["order.accepted"]),
        # A check closed before the hub saw the acceptance implies it.
        (PosOrderState.COMPLETED, OrderStatus.COMPLETED, ["order.accepted", "order.completed"]),
        (PosOrderState.DECLINED, OrderStatus.DECLINED, ["order.declined"]),
        (PosOrderState.CANCELED, OrderStatus.CANCELED, ["order.accepted", "order.canceled"]),
        (PosOrderState.NEW, OrderStatus.SUBMITTED, []),
    ],
)
async def test_reconcile_follows_the_pos_state(
    world: World, state: PosOrderState, status: OrderStatus, moves: list[str]
) -> None:
    order_id = await _submitted(world)
    world.pos.set_order_state(order_id, state)
    await _reconcile(world, order_id)
    found = stored(world.hub, order_id)
    assert found.order.status is status
    assert events_of(found)[2:] == moves
    assert _announced_after_submit(world) == moves


async def test_a_closed_check_is_remembered(world: World) -> None:
    order_id = await _submitted(world)
    world.pos.set_order_state(order_id, PosOrderState.COMPLETED, check_id="7001")
    await _reconcile(world, order_id)
    found = stored(world.hub, order_id)
    assert found.pos_check_id == "7001"
    assert found.order.external_refs["pos_check_id"] == "7001"


async def test_the_same_pos_state_twice_changes_nothing(world: World) -> None:
    order_id = await _submitted(world)
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    await _reconcile(world, order_id)
    timeline = events_of(stored(world.hub, order_id))
    answer = await _reconcile(world, order_id)
    assert answer == {"state": "accepted", "from": "accepted", "to": "accepted"}
    assert events_of(stored(world.hub, order_id)) == timeline
    assert _announced_after_submit(world) == ["order.accepted"]


async def test_a_pos_state_behind_the_hub_changes_nothing(world: World) -> None:
    order_id = await _submitted(world)
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    await _reconcile(world, order_id)
    world.pos.set_order_state(order_id, PosOrderState.NEW)  # a lagging replica, say
    answer = await _reconcile(world, order_id)
    assert answer == {"state": "new", "from": "accepted", "to": "accepted"}
    assert stored(world.hub, order_id).order.status is OrderStatus.ACCEPTED
    assert _announced_after_submit(world) == ["order.accepted"]


async def test_a_contradicting_pos_state_is_recorded_as_ignored(world: World) -> None:
    order_id = await _submitted(world)
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    await _reconcile(world, order_id)
    world.pos.set_order_state(order_id, PosOrderState.DECLINED)  # too late to decline
    await _reconcile(world, order_id)
    found = stored(world.hub, order_id)
    assert found.order.status is OrderStatus.ACCEPTED
    assert events_of(found)[-1] == "order.declined.ignored"
    assert _announced_after_submit(world) == ["order.accepted"]


async def test_a_final_order_is_not_reconciled_again(world: World) -> None:
    order_id = await _submitted(world)
    world.pos.set_order_state(order_id, PosOrderState.COMPLETED)
    await _reconcile(world, order_id)
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)
    assert await _reconcile(world, order_id) == {"skipped": True}
    assert stored(world.hub, order_id).order.status is OrderStatus.COMPLETED


async def test_sweep_queues_reconciles_only_for_stale_open_orders(world: World) -> None:
    submitted = await _submitted(world, "web-1")
    accepted = await _submitted(world, "web-2")
    completed = await _submitted(world, "web-3")
    world.pos.set_order_state(accepted, PosOrderState.ACCEPTED)
    world.pos.set_order_state(completed, PosOrderState.COMPLETED)
    await _reconcile(world, accepted)
    await _reconcile(world, completed)
    place(world, draft("web-4"))  # received: the POS does not have it yet
    world.clock.advance(120)
    fresh = await _submitted(world, "web-5")  # moved just now: not stale
    queued = sweep.sweep_orders(
        uow=world.hub.uow, clock=world.clock, stale_after=timedelta(seconds=60)
    )
    assert queued == 2
    reconciles = jobs(world.hub, pipeline.RECONCILE_ORDER)
    assert {j.payload["order_id"] for j in reconciles} == {submitted, accepted}
    assert fresh not in {j.key for j in reconciles}


async def test_sweep_job_and_worker_catch_up_on_a_lost_webhook(world: World) -> None:
    order_id = await _submitted(world)
    world.pos.set_order_state(order_id, PosOrderState.ACCEPTED)  # the webhook never came
    world.clock.advance(world.hub.settings.reconcile_interval_seconds + 1)
    assert world.hub.enqueue_once(sweep.SWEEP, {}, key="sweep")
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.ACCEPTED
    assert world.receiver.types()[-1] == "order.accepted"


def test_of_two_units_of_work_saving_one_order_the_second_loses(world: World) -> None:
    """Both read version 1; the first save wins and the second raises ConcurrentUpdate.

    SQLite lets one transaction at a time in, so the slower unit of work ends its read
    transaction before the faster one writes; the stored version is what protects it.
    """
    order_id = place(world).stored.order.id
    slow = world.hub.uow()
    with slow:
        stale = slow.get_order(order_id)
        assert stale is not None
        slow.session.commit()  # end the read; what slow loaded is now version 1 of the past
        with world.hub.uow() as fast:
            current = fast.get_order(order_id)
            assert current is not None
            current.order.record(world.clock(), "note.fast")
            fast.save_order(current.order)
            fast.commit()
        stale.order.record(world.clock(), "note.slow")
        with pytest.raises(ConcurrentUpdate):
            slow.save_order(stale.order)
    assert events_of(stored(world.hub, order_id)) == ["order.received", "note.fast"]


async def test_a_revoked_token_during_reconcile_parks_the_connection_once(world: World) -> None:
    """One dead letter, then the sweep's reconciles wait for re-authorisation."""
    order_id = await _submitted(world)
    world.pos.refuse = PermanentError("reauth_required", "the token was revoked")
    for _ in range(3):
        world.clock.advance(120)
        sweep.sweep_orders(uow=world.hub.uow, clock=world.clock, stale_after=timedelta(seconds=60))
        await world.hub.worker().run_until_idle()
    outcomes = [(j.status, j.result) for j in jobs(world.hub, pipeline.RECONCILE_ORDER)]
    assert outcomes == [
        ("dead", None),
        ("succeeded", {"skipped": "needs_reauth"}),
        ("succeeded", {"skipped": "needs_reauth"}),
    ]
    with world.hub.uow() as tx:
        connection = tx.get_connection(CONNECTION)
    assert connection is not None and connection.status == "needs_reauth"
    assert stored(world.hub, order_id).order.status is OrderStatus.SUBMITTED
