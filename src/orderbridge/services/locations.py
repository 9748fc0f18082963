"""Store status: pause, resume and schedules, announced to every channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from orderbridge.domain.locations import Location
from orderbridge.ports import LocationRecord, UnitOfWork
from orderbridge.services import notify
from orderbridge.services.errors import NotFound

LOCATION_STATUS = "channel.location_status"


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
    """Apply ``change`` (a pause, a resume, a new schedule) and announce the new status.

    ``change`` returns False when it changed nothing (a resume of an open location);
    then nothing is saved or sent.
    """
    record = get_location(uow, tenant_id=tenant_id, location_id=location_id)
    if not change(record.location):
        return record
    uow.save_location(record.location)
    status = record.location.status_at(now)
    notify.publish(
        uow,
        tenant_id=tenant_id,
        event="location.status_changed",
        data={
            "location_id": location_id,
            "status": status.state.value,
            "paused_until": status.paused_until.isoformat() if status.paused_until else None,
            "reason": status.reason,
        },
        key=f"location:{location_id}",
        at=now,
    )
    for channel in uow.channel_connections(location_id):
        uow.enqueue(
            LOCATION_STATUS,
            {"location_id": location_id, "connection_id": channel.id},
            key=f"status:{channel.id}:{location_id}",
            connection_id=channel.id,
        )
    uow.commit()
    return get_location(uow, tenant_id=tenant_id, location_id=location_id)
