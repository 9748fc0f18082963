"""Reservations travel the orders' path: store, submit, follow the POS."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orderbridge.domain.reservations import Reservation, ReservationKey, ReservationStatus
from orderbridge.ports import PermanentError, PosOrderState, StoredReservation
from orderbridge.services import reservations as service
from orderbridge.services import sweep
from orderbridge.services.errors import Conflict
from orderbridge.services.ids import new_id
from orderbridge.storage import tables as t
from orderbridge.storage.codec import canonical_hash, reservation_to_json
from tests.integration.support.world import LOCATION, TENANT, World, announced, count, jobs
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio


def _reservation(world: World, channel_id: str = "res-1", guests: int = 4) -> Reservation:
    return Reservation.receive(
        id=new_id("res"),
        key=ReservationKey("storefront", channel_id),
        location_id=LOCATION,
        time=world.clock() + timedelta(hours=8),
        duration=timedelta(hours=2),
        guests=guests,
        customer=cafe.customer(),
        at=world.clock(),
    )


def _place(world: World, reservation: Reservation) -> tuple[StoredReservation, bool]:
    document = reservation_to_json(reservation)
    document.pop("created_at", None)
    document.pop("id", None)
    with world.hub.uow() as tx:
        return service.place_reservation(
            tx,
            tenant_id=TENANT,
            reservation=reservation,
            request_hash=canonical_hash(document),
            now=world.clock(),
        )


def _load(world: World, reservation_id: str) -> StoredReservation:
    with world.hub.uow() as tx:
        found = tx.get_reservation(reservation_id)
    assert found is not None
    return found


async def _reconcile(world: World, reservation_id: str) -> dict[str, object]:
    return await service.reconcile_reservation(
        reservation_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )


async def test_a_reservation_is_submitted_then_confirmed_by_the_pos(world: World) -> None:
    placed, created = _place(world, _reservation(world))
    rid = placed.reservation.id
    assert created
    await world.hub.worker().run_until_idle()
    submitted = _load(world, rid)
    [at_pos] = world.pos.reservations
    assert submitted.reservation.status is ReservationStatus.SUBMITTED
    assert submitted.pos_reservation_id == at_pos.pos_id
    world.pos.set_reservation_state(rid, PosOrderState.ACCEPTED)
    await _reconcile(world, rid)
    assert _load(world, rid).reservation.status is ReservationStatus.CONFIRMED
    assert announced(world.hub) == [
        "reservation.received",
        "reservation.submitted",
        "reservation.confirmed",
    ]


async def test_a_repeated_reservation_is_the_same_one_and_a_changed_one_conflicts(
    world: World,
) -> None:
    first, _ = _place(world, _reservation(world))
    again, created = _place(world, _reservation(world))
    assert (created, again.reservation.id) == (False, first.reservation.id)
    with pytest.raises(Conflict) as refused:
        _place(world, _reservation(world, guests=6))
    assert refused.value.code == "duplicate_reservation"
    assert count(world.hub, t.ReservationRecord) == 1
    assert len(jobs(world.hub, service.SUBMIT_RESERVATION)) == 1


async def test_a_refused_reservation_fails_with_the_reason(world: World) -> None:
    world.pos.refuse = PermanentError("table_taken", "table 4 is booked")
    placed, _ = _place(world, _reservation(world))
    await world.hub.worker().run_until_idle()
    found = _load(world, placed.reservation.id)
    assert found.reservation.status is ReservationStatus.FAILED
    assert found.reservation.timeline[-1].detail == "table_taken: table 4 is booked"
    assert announced(world.hub)[-1] == "reservation.failed"


async def test_a_declined_reservation_does_not_move_again(world: World) -> None:
    placed, _ = _place(world, _reservation(world))
    rid = placed.reservation.id
    await world.hub.worker().run_until_idle()
    world.pos.set_reservation_state(rid, PosOrderState.DECLINED)
    await _reconcile(world, rid)
    world.pos.set_reservation_state(rid, PosOrderState.ACCEPTED)
    assert await _reconcile(world, rid) == {"skipped": True}
    assert _load(world, rid).reservation.status is ReservationStatus.DECLINED


async def test_the_sweep_reconciles_stale_reservations_too(world: World) -> None:
    placed, _ = _place(world, _reservation(world))
    rid = placed.reservation.id
    await world.hub.worker().run_until_idle()
    world.pos.set_reservation_state(rid, PosOrderState.ACCEPTED)  # the webhook was lost
    world.clock.advance(120)
    sweep.sweep_orders(uow=world.hub.uow, clock=world.clock, stale_after=timedelta(seconds=60))
    await world.hub.worker().run_until_idle()
    assert _load(world, rid).reservation.status is ReservationStatus.CONFIRMED
