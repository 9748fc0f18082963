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

import structlog

from orderbridge.domain.location_options import check_reservation_needs
from orderbridge.domain.reservations import Reservation, ReservationStatus
from orderbridge.domain.timing import check_reservation_time
from orderbridge.domain.validation import ProblemCode, ValidationProblem
from orderbridge.ports import (
    ConnectionRecord,
    LocationRecord,
    PermanentError,
    PosOrderRef,
    PosOrderState,
    PosSystem,
    StoredReservation,
    UnitOfWork,
)
from orderbridge.services import failures, notify
from orderbridge.services.connection_health import REAUTH, connection_works, park_connection
from orderbridge.services.errors import Conflict, NotFound, Rejected
from orderbridge.services.incidents import clear_incident, raise_incident
from orderbridge.services.submission import (
    Fence,
    create_once,
    look_up_since,
    no_fence,
    tried_before,
)

SUBMIT_RESERVATION = "reservation.submit"
RECONCILE_RESERVATION = "reservation.reconcile"
CANCEL_RESERVATION_AT_POS = "reservation.cancel_at_pos"
RESERVATION_NEEDS_CASHIER = "reservation.cancel_needs_cashier"

_log = structlog.get_logger(__name__)

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
    problems = reservation_problems(reservation, record, now=now)
    if problems:
        raise Rejected(problems)
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


def reservation_problems(
    reservation: Reservation, record: LocationRecord, *, now: datetime
) -> list[ValidationProblem]:
    """What would make the POS (or the restaurant) refuse this booking: a time past or
    outside the hours, a table it lacks or that is too small, a missing phone."""
    problems = []
    late = check_reservation_time(record.location, reservation.time, now=now)
    if late is not None:
        problems.append(ValidationProblem(ProblemCode.INVALID_TIME, late.message, "time"))
    needs = check_reservation_needs(
        table=reservation.table,
        guests=reservation.guests,
        phone=reservation.customer.phone,
        facts=record.facts,
    )
    problems += [ValidationProblem(ProblemCode(n.code), n.message, n.field) for n in needs]
    return problems


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
    """The guest calls the reservation off.

    One the POS does not have yet is canceled at once; one it has becomes
    ``cancel_requested`` and the cancel is relayed (``reservation.cancel_at_pos``: a
    person is asked to cancel it at the register, Poster having no call for it) until
    the POS confirms. Final reservations answer ``Conflict``.
    """
    stored = get_reservation(
        uow, tenant_id=tenant_id, reservation_id=reservation_id, placed_by=placed_by
    )
    reservation = stored.reservation
    was_failed = reservation.status is ReservationStatus.FAILED
    why = reason or f"canceled by {reservation.key.channel}"
    if reservation.status is ReservationStatus.CANCEL_REQUESTED:
        return stored
    if stored.pos_reservation_id and not reservation.is_final:
        reservation.request_cancel(now, why)
        uow.enqueue(
            CANCEL_RESERVATION_AT_POS,
            {"reservation_id": reservation.id},
            key=reservation.id,
            connection_id=stored.pos_connection_id,
        )
    elif not reservation.cancel(now, why).applied:
        raise Conflict(
            "reservation_final",
            f"the reservation is {reservation.status.value} and cannot be canceled",
        )
    if was_failed:  # nothing left for an operator to fix
        clear_incident(
            uow, kind=failures.RESERVATION_FAILED, subject_id=stored.reservation.id, now=now
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
    revived: bool = False,
) -> dict[str, Any]:
    """Create the reservation at the POS exactly once, as an order is created
    (``services/submission.py``); ``before_create`` is the worker's lease fence,
    ``first_try_at`` (when this job's first try began) bounds the look-up.

    As with orders (``pipeline.submit_order``): a refusal is raised, and the worker
    fails the reservation when it buries the job; ``revived`` (the dead letter was
    retried) sends a reservation its death failed round again.
    """
    with uow() as tx:
        stored = tx.get_reservation(reservation_id)
        if stored is None:
            raise PermanentError("unknown_reservation", f"{reservation_id} is not stored")
        if revived and stored.reservation.status is ReservationStatus.FAILED:
            detail = "dead letter retried by an operator"
            failures.reopen_reservation(tx, stored, now=clock(), detail=detail)
            tx.save_reservation(stored.reservation)
            tx.commit()
            stored = tx.get_reservation(reservation_id)
            assert stored is not None
        if stored.reservation.status is not ReservationStatus.RECEIVED:
            return {"skipped": stored.reservation.status.value}
        binding = tx.pos_binding(stored.reservation.location_id)
        if binding is None:
            reason = "the location has no POS connection"
            failures.fail_reservation(
                tx, stored, code="no_pos_connection", reason=reason, now=clock()
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
        if error.code == REAUTH:
            _park(uow, connection, error.reason, clock, reservation_id=reservation_id)
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
        connection_works(tx, connection, now=now)
        tx.commit()
    return {"pos_reservation_id": ref.pos_order_id, "found": found}


def _park(
    uow: UowFactory,
    connection: ConnectionRecord,
    reason: str,
    clock: Clock,
    *,
    reservation_id: str | None = None,
) -> None:
    """As ``pipeline._park``: the connection parked, the refused reservation told."""
    with uow() as tx:
        now = clock()
        park_connection(tx, connection, reason=reason, now=now)
        stored = tx.get_reservation(reservation_id) if reservation_id is not None else None
        if stored is not None:
            stored.reservation.record(now, "pos.reauth_required", reason)
            tx.save_reservation(stored.reservation)
        tx.commit()


def replay_reservation(
    uow: UnitOfWork, *, reservation_id: str, now: datetime, tenant_id: str | None = None
) -> StoredReservation:
    """An operator fixed what made the reservation fail: send it to the POS again."""
    stored = uow.get_reservation(reservation_id, tenant_id=tenant_id)
    if stored is None:
        raise NotFound("unknown_reservation", "no such reservation", field="id")
    reservation = stored.reservation
    if reservation.status is ReservationStatus.RECEIVED:
        reservation.record(now, "reservation.replay_requested", "queued for submission again")
    elif not failures.reopen_reservation(uow, stored, now=now, detail="replayed by an operator"):
        raise Conflict(
            "not_replayable", f"a reservation that is {reservation.status.value} is not replayed"
        )
    uow.save_reservation(reservation)
    uow.enqueue(
        SUBMIT_RESERVATION,
        {"reservation_id": reservation.id},
        key=reservation.id,
        connection_id=uow.pos_connection_id(reservation.location_id),
    )
    uow.commit()
    replayed = uow.get_reservation(reservation_id)
    assert replayed is not None
    return replayed


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
        if error.code == REAUTH:
            _park(uow, connection, error.reason, clock)
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
    if reservation.status is ReservationStatus.CANCEL_REQUESTED:
        _follow_cancel(tx, stored, ref, now)
        return
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


def _follow_cancel(
    tx: UnitOfWork, stored: StoredReservation, ref: PosOrderRef, now: datetime
) -> None:
    """A booking whose cancel was asked for: the POS's answer ends the request."""
    reservation = stored.reservation
    if ref.state in (PosOrderState.DECLINED, PosOrderState.CANCELED):
        moved = reservation.cancel(now, f"confirmed at the POS ({ref.detail or ref.state.value})")
    elif ref.state is PosOrderState.COMPLETED:
        moved = reservation.complete(now, "the guests came despite the cancel request")
    else:
        return
    if moved.applied:
        notify.reservation_event(tx, tenant_id=stored.tenant_id, reservation=reservation, at=now)
        clear_incident(
            tx,
            kind=RESERVATION_NEEDS_CASHIER,
            subject_id=reservation.id,
            now=now,
            tenant_id=stored.tenant_id,
        )


async def relay_reservation_cancel(
    reservation_id: str, *, uow: UowFactory, pos_for: PosFactory, clock: Clock
) -> dict[str, Any]:
    """``reservation.cancel_at_pos``: ask the POS where the booking stands; while it
    still holds the table, flag it for a person to cancel at the register."""
    with uow() as tx:
        stored = tx.get_reservation(reservation_id)
        if stored is None or stored.reservation.status is not ReservationStatus.CANCEL_REQUESTED:
            return {"skipped": stored.reservation.status.value if stored else "unknown"}
        binding = tx.pos_binding(stored.reservation.location_id)
    if binding is None or not stored.pos_reservation_id:
        return {"skipped": "no_pos"}
    connection, location = binding
    ref = await pos_for(connection).reservation_state(stored.pos_reservation_id, location=location)
    with uow() as tx:
        fresh = tx.get_reservation(reservation_id)
        assert fresh is not None
        now = clock()
        reservation = fresh.reservation
        flagged = any(e.event == RESERVATION_NEEDS_CASHIER for e in reservation.timeline)
        if ref.state in (PosOrderState.NEW, PosOrderState.ACCEPTED) and not flagged:
            reservation.record(
                now,
                RESERVATION_NEEDS_CASHIER,
                "the POS cannot cancel it by API: cancel it at the register",
            )
            _log.warning(
                RESERVATION_NEEDS_CASHIER,
                reservation_id=reservation.id,
                location_id=reservation.location_id,
            )
            raise_incident(
                tx,
                tenant_id=fresh.tenant_id,
                kind=RESERVATION_NEEDS_CASHIER,
                subject_id=reservation.id,
                detail=(
                    f"canceled by {reservation.key.channel}, but the POS cannot cancel it "
                    "by API: cancel it at the register"
                ),
                now=now,
                data={
                    "reservation_id": reservation.id,
                    "location_id": reservation.location_id,
                    "channel_reservation_id": reservation.key.channel_reservation_id,
                },
            )
        follow_reservation(tx, fresh, ref, now)
        tx.save_reservation(reservation)
        tx.commit()
    return {"pos_state": ref.state.value, "status": fresh.reservation.status.value}
