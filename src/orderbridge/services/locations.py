"""Store status: pause, resume, opening hours and busy mode, announced to every channel.

Every change goes the same way (:func:`change_status`): the location is changed and
saved, a ``location.status_changed`` webhook goes to the storefronts, and each channel
connection (Wix) gets a ``channel.location_status`` job that pushes the status and
reads it back. What ends by itself — a pause until 15:00, busy mode until 20:00 — has
a ``location.expire`` job due at that moment, which makes the end a stored fact
announced the same way; a pause lifted early leaves its job nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from orderbridge.domain.locations import Location, WeeklySchedule
from orderbridge.ports import LocationRecord, UnitOfWork
from orderbridge.services import notify
from orderbridge.services.errors import NotFound

LOCATION_STATUS = "channel.location_status"
EXPIRE_LOCATION = "location.expire"

UowFactory = Callable[[], UnitOfWork]
Clock = Callable[[], datetime]


def get_location(uow: UnitOfWork, *, tenant_id: str, location_id: str) -> LocationRecord:
    record = uow.get_location(location_id, tenant_id=tenant_id)
    if record is None:
        raise NotFound("unknown_location", "no such location", field="location_id")
    return record


def change_status(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    location_id: str,
    change: Callable[[Location], bool],
    now: datetime,
) -> LocationRecord:
    """Apply ``change`` (a pause, a resume, new hours, busy mode) and announce the result.

    ``change`` returns False when it changed nothing (a resume of an open location);
    then nothing is saved or sent.
    """
    record = get_location(uow, tenant_id=tenant_id, location_id=location_id)
    if not change(record.location):
        return record
    announce(uow, record, now=now)
    uow.commit()
    return get_location(uow, tenant_id=tenant_id, location_id=location_id)


def replace_hours(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    location_id: str,
    schedule: WeeklySchedule | None,
    now: datetime,
) -> LocationRecord:
    """New opening hours (None: open around the clock), announced like any status change.

    The admin API's ``PUT``/``DELETE …/hours`` and the dashboard's hours form both come
    here with hours already checked (``domain.hours.check_hours``).
    """

    def change(location: Location) -> bool:
        if schedule is None and location.schedule is None:
            return False
        location.set_schedule(schedule, now)
        return True

    return change_status(uow, tenant_id=tenant_id, location_id=location_id, change=change, now=now)


def announce(uow: UnitOfWork, record: LocationRecord, *, now: datetime) -> None:
    """Save the changed location, tell storefronts and channels, and book the moments
    its pause or busy mode end (in the caller's transaction, not committed)."""
    location = record.location
    uow.save_location(location)
    notify.publish(
        uow,
        tenant_id=record.tenant_id,
        event="location.status_changed",
        data=status_summary(location, now),
        key=f"location:{location.id}",
        at=now,
    )
    tell_channels(uow, location.id)
    ends = [
        state.until
        for state in (location.pause_state, location.busy_state)
        if state is not None and state.until is not None and state.until > now
    ]
    for end in sorted(set(ends)):
        # One job per end: a job key holds back later jobs of the same key.
        key = f"expire:{location.id}:{end.isoformat()}"
        if not uow.is_queued(EXPIRE_LOCATION, key):
            uow.enqueue(
                EXPIRE_LOCATION,
                {"location_id": location.id, "at": end.isoformat()},
                key=key,
                run_after=end,
            )
    location.events.clear()


def tell_channels(uow: UnitOfWork, location_id: str) -> None:
    """A ``channel.location_status`` job per channel connection of the location: its
    status, hours and preparation time pushed and read back (in the caller's
    transaction). Also for a change of the preparation time alone."""
    for channel in uow.channel_connections(location_id):
        uow.enqueue(
            LOCATION_STATUS,
            {"location_id": location_id, "connection_id": channel.id},
            key=f"status:{channel.id}:{location_id}",
            connection_id=channel.id,
        )


def status_summary(location: Location, now: datetime) -> dict[str, Any]:
    """What ``location.status_changed`` says: the status now, busy mode, the hours' next
    opening and closing."""
    status = location.status_at(now)
    busy = status.busy
    opens, closes = location.next_open_at(now), location.next_close_at(now)
    return {
        "location_id": location.id,
        "status": status.state.value,
        "paused_until": status.paused_until.isoformat() if status.paused_until else None,
        "reason": status.reason,
        "busy": (
            None
            if busy is None
            else {
                "extra_minutes": busy.extra_minutes,
                "until": busy.until.isoformat() if busy.until else None,
            }
        ),
        "next_open_at": opens.isoformat() if opens else None,
        "next_close_at": closes.isoformat() if closes else None,
    }


def expire_location(location_id: str, *, uow: UowFactory, clock: Clock) -> dict[str, Any]:
    """``location.expire``: end what has run out (a pause, busy mode) and announce it.

    Due at the end the job was booked for; a pause lifted or extended since finds
    nothing to end, and the job says so.
    """
    with uow() as tx:
        record = tx.get_location(location_id)
        if record is None:
            return {"skipped": "unknown_location"}
        now = clock()
        location = record.location
        ended = [
            name
            for name, ends in (("pause", location.expire_pause), ("busy", location.expire_busy))
            if ends(now)
        ]
        if not ended:
            return {"ended": []}
        announce(tx, record, now=now)
        tx.commit()
    return {"ended": ended}
