"""Locations between the wire and the domain: the status view and the pause command.

The status a storefront sees is computed by the caller for the moment of the
request (``Location.status_at(now)``), so this module needs no clock either.
"""

from __future__ import annotations

from datetime import datetime

from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.locations import Location, LocationStatus
from orderbridge.domain.timing import TimingSettings, prep_minutes
from orderbridge.web.convert_hours import busy_out, schedule_to_hours
from orderbridge.web.schemas import LocationOut, LocationStatusIn


def location_to_out(
    location: Location,
    status: LocationStatus,
    *,
    now: datetime | None = None,
    timing: TimingSettings | None = None,
) -> LocationOut:
    """A location for ``GET /api/v1/locations``, with ``status`` computed by the caller
    (``now`` adds the hours' next opening and closing, ``timing`` the preparation time)."""
    prep = None if timing is None else prep_minutes(timing, status)
    return LocationOut(
        id=location.id,
        name=location.name,
        status=status.state,
        paused_until=status.paused_until,
        timezone=location.timezone,
        currency=location.currency,
        opens_at=status.opens_at,
        hours=schedule_to_hours(location.schedule),
        next_open_at=location.next_open_at(now) if now else None,
        next_close_at=location.next_close_at(now) if now else None,
        busy=busy_out(status.busy),
        prep_minutes=prep,
    )


def apply_location_status(location: Location, body: LocationStatusIn, *, at: datetime) -> bool:
    """Pause or resume ``location`` as ``body`` asks; False if a resume found no pause.

    The domain names the end of a pause ``paused_until``; its errors are re-labelled
    with the body's field name, ``until``.
    """
    if body.action == "resume":
        return location.resume(at)
    try:
        location.pause(at, reason=body.reason, until=body.until)
    except InvalidValueError as exc:
        if exc.field != "paused_until":
            raise
        raise type(exc)(exc.message, field="until", code=exc.code) from exc
    return True
