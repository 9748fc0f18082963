"""Table reservations travel the path orders do: store, submit to the POS, follow it.

A POS that takes reservations (``Capabilities.reservations``; Poster keeps them among
its incoming orders, type 2) answers with the same ``PosOrderRef`` as for orders:
ACCEPTED confirms the reservation, DECLINED declines it, CANCELED cancels it, COMPLETED
completes it. A POS that takes none fails the reservation at once, with that reason.
The submission itself is the orders' (``services/submission.py``): lookup before
creating again, the lease fence, a revoked token parking the connection.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from orderbridge.domain.reservations import Reservation, ReservationStatus
from orderbridge.ports import (
    ConnectionRecord,
    PermanentError,
    PosOrderRef,
    PosOrderState,
    PosSystem,
    StoredReservation,
    UnitOfWork,
)
from orderbridge.services import notify
from orderbridge.services.errors import Conflict, NotFound
from orderbridge.services.submission import (
    Fence,
    create_once,
    look_up_since,
    no_fence,
    park_connection_on_reauth,
    parks_for_reauth,
    tried_before,
)

SUBMIT_RESERVATION = "reservation.submit"
RECONCILE_RESERVATION = "reservation.reconcile"

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]


def place_reservation(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    reservation: Reservation,
    request_hash: str,
    now: datetime,
    placed_by: str | None = None,
    sees_all: bool = True,
) -> tuple[StoredReservation, bool]:
    """Store a new reservation and queue it for the POS; idempotent on its channel id
    (``placed_by`` and ``sees_all`` as for ``orders.place_order``)."""
    key = reservation.key
    existing = uow.find_reservation(tenant_id, key.channel, key.channel_reservation_id)
    if existing is not None:
        if existing.request_hash != request_hash or (
            not sees_all and existing.placed_by != placed_by
        ):
            raise Conflict(
                "duplicate_reservation",
                "this reservation id was already used with a different body",
                field="channel_reservation_id",
            )
        return existing, False
    record = uow.get_location(reservation.location_id, tenant_id=tenant_id)
    if record is None:
        raise NotFound("unknown_location", "no such location", field="location_id")
    if reservation.time <= now:
        raise Conflict("reservation_in_past", "the reservation time has passed", field="time")
    uow.add_reservation(
        reservation, tenant_id=tenant_id, request_hash=request_hash, placed_by=placed_by
    )
    binding = uow.pos_binding(reservation.location_id)
    uow.enqueue(
        SUBMIT_RESERVATION,
        {"reservation_id": reservation.id},
        key=reservation.id,
        connection_id=binding[0].id if binding else None,
    )
    notify.reservation_event(uow, tenant_id=tenant_id, reservation=reservation, at=now)
    uow.commit()
    stored = uow.get_reservation(reservation.id)
    assert stored is not None
    return stored, True


def get_reservation(
    uow: UnitOfWork, *, tenant_id: str, reservation_id: str, placed_by: str | None = None
) -> StoredReservation:
    """The tenant's reservation (placed by ``placed_by`` when given), else ``NotFound``."""
    stored = uow.get_reservation(reservation_id, tenant_id=tenant_id)
    if stored is None or (placed_by is not None and stored.placed_by != placed_by):
        raise NotFound("unknown_reservation", "no such reservation", field="id")
    return stored


def cancel_reservation(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    reservation_id: str,
    reason: str,
    now: datetime,
    placed_by: str | None = None,
) -> StoredReservation:
    """The guest calls the reservation off (recorded; Poster has no cancel call)."""
    stored = get_reservation(
        uow, tenant_id=tenant_id, reservation_id=reservation_id, placed_by=placed_by
    )
    if not stored.reservation.cancel(now, reason or "canceled by the channel").applied:
        raise Conflict(
            "reservation_final",
            f"the reservation is {stored.reservation.status.value} and cannot be canceled",
        )
    uow.save_reservation(stored.reservation)
    notify.reservation_event(uow, tenant_id=tenant_id, reservation=stored.reservation, at=now)
    uow.commit()
    return get_reservation(uow, tenant_id=tenant_id, reservation_id=reservation_id)


async def submit_reservation(
    reservation_id: str,
    *,
    attempt: int,
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Clock,
    before_create: Fence = no_fence,
    first_try_at: datetime | None = None,
) -> dict[str, Any]:
    """Create the reservation at the POS exactly once, as an order is created
    (``services/submission.py``); ``before_create`` is the worker's lease fence,
    ``first_try_at`` (when this job's first try began) bounds the look-up."""
    with uow() as tx:
        stored = tx.get_reservation(reservation_id)
        if stored is None:
            raise PermanentError("unknown_reservation", f"{reservation_id} is not stored")
        if stored.reservation.status is not ReservationStatus.RECEIVED:
            return {"skipped": stored.reservation.status.value}
        binding = tx.pos_binding(stored.reservation.location_id)
        if binding is None:
            stored.reservation.fail(clock(), "the location has no POS connection")
            tx.save_reservation(stored.reservation)
            notify.reservation_event(
                tx, tenant_id=stored.tenant_id, reservation=stored.reservation, at=clock()
            )
            tx.commit()
            return {"failed": "no_pos_connection"}
    connection, location = binding
    pos = pos_for(connection)
    reservation = stored.reservation
    try:
        if not pos.capabilities.reservations:
            raise PermanentError("reservations_not_supported", "the POS takes no reservations")
        ref, found = await create_once(
            again=tried_before(attempt, reservation.timeline),
            can_look_up=pos.capabilities.order_lookup_by_key,
            look_up=lambda: pos.find_reservation(
                location=location,
                key=reservation.id,
                since=look_up_since(reservation.created_at, first_try_at, reservation.timeline),
            ),
            create=lambda: pos.submit_reservation(
                reservation, location=location, key=reservation.id
            ),
            before_create=before_create,
        )
    except PermanentError as error:
        _refused(error, uow=uow, reservation_id=reservation_id, connection=connection, clock=clock)
        raise
    with uow() as tx:
        fresh = tx.get_reservation(reservation_id)
        assert fresh is not None
        now = clock()
        if found:
            fresh.reservation.record(now, "pos.found", "found at the POS after an earlier try")
        moved = fresh.reservation.submit(
            now, pos=connection.kind, pos_reservation_id=ref.pos_order_id
        )
        if moved.applied:
            notify.reservation_event(
                tx, tenant_id=fresh.tenant_id, reservation=fresh.reservation, at=now
            )
        follow_reservation(tx, fresh, ref, now)
        tx.save_reservation(
            fresh.reservation, pos_connection_id=connection.id, pos_reservation_id=ref.pos_order_id
        )
        tx.commit()
    return {"pos_reservation_id": ref.pos_order_id, "found": found}


def _refused(
    error: PermanentError,
    *,
    uow: UowFactory,
    reservation_id: str,
    connection: ConnectionRecord,
    clock: Clock,
) -> None:
    """A permanent refusal: a bad token parks the connection (the reservation waits for
    a replay); anything else fails the reservation with the POS's reason."""
    with uow() as tx:
        fresh = tx.get_reservation(reservation_id)
        assert fresh is not None
        now = clock()
        reservation = fresh.reservation
        parked = parks_for_reauth(tx, connection, error, reservation, now)
        if not parked and reservation.fail(now, f"{error.code}: {error.reason}").applied:
            notify.reservation_event(tx, tenant_id=fresh.tenant_id, reservation=reservation, at=now)
        tx.save_reservation(reservation)
        tx.commit()


async def reconcile_reservation(
    reservation_id: str, *, uow: UowFactory, pos_for: PosFactory, clock: Clock
) -> dict[str, Any]:
    """Ask the POS where the reservation stands and catch up."""
    with uow() as tx:
        stored = tx.get_reservation(reservation_id)
        if stored is None or stored.reservation.is_final or not stored.pos_reservation_id:
            return {"skipped": True}
        binding = tx.pos_binding(stored.reservation.location_id)
    if binding is None:
        return {"skipped": True}
    if binding[0].status != "active":  # parked until re-authorised: nothing to ask
        return {"skipped": binding[0].status}
    connection, location = binding
    pos = pos_for(connection)
    if not pos.capabilities.status_polling:  # only its webhooks tell: nothing to ask
        return {"skipped": "no_status_polling"}
    try:
        ref = await pos.reservation_state(stored.pos_reservation_id, location=location)
    except PermanentError as error:
        park_connection_on_reauth(uow, connection, error)
        raise
    with uow() as tx:
        fresh = tx.get_reservation(reservation_id)
        assert fresh is not None
        follow_reservation(tx, fresh, ref, clock())
        tx.save_reservation(fresh.reservation)
        tx.commit()
    return {"state": ref.state.value, "status": fresh.reservation.status.value}


_PATHS: dict[PosOrderState, tuple[ReservationStatus, ...]] = {
    PosOrderState.NEW: (),
    PosOrderState.ACCEPTED: (ReservationStatus.CONFIRMED,),
    PosOrderState.DECLINED: (ReservationStatus.DECLINED,),
    PosOrderState.CANCELED: (ReservationStatus.CONFIRMED, ReservationStatus.CANCELED),
    PosOrderState.COMPLETED: (ReservationStatus.CONFIRMED, ReservationStatus.COMPLETED),
}


def follow_reservation(
    tx: UnitOfWork, stored: StoredReservation, ref: PosOrderRef, now: datetime
) -> None:
    """Move the reservation forward to match the POS; announce every applied move."""
    reservation = stored.reservation
    verbs = {
        ReservationStatus.CONFIRMED: reservation.confirm,
        ReservationStatus.DECLINED: reservation.decline,
        ReservationStatus.CANCELED: reservation.cancel,
        ReservationStatus.COMPLETED: reservation.complete,
    }
    for target in _PATHS[ref.state]:
        if reservation.status is target or reservation.is_final:
            continue
        if reservation.status is ReservationStatus.RECEIVED:
            break
        if verbs[target](now, ref.detail or "at the POS").applied:
            notify.reservation_event(
                tx, tenant_id=stored.tenant_id, reservation=reservation, at=now
            )
