"""Locations, their weekly schedules and pauses as JSON documents, and back.

Opening hours are local wall-clock times, so they are stored as ISO times without an
offset (``"09:00:00"``); the location's ``timezone`` gives them meaning. Weekdays are
keys by name (``"friday"``), in week order, and an interval that runs past midnight is
stored as written (``opens`` after ``closes``): the model, not the codec, knows what it
means. A schedule looks like::

    {"hours": {"friday": [{"opens": "18:00:00", "closes": "02:00:00"}]},
     "exceptions": [{"day": "2026-12-31", "intervals": [], "reason": "New Year's Eve"}]}

A location's pending ``events`` are not state and are not stored: the service layer
has taken them by the time the location is saved.
"""

from __future__ import annotations

from datetime import date, time

from orderbridge.domain.locations import (
    Location,
    OpeningInterval,
    Pause,
    ScheduleException,
    Weekday,
    WeeklySchedule,
)
from orderbridge.storage.codec_fields import (
    Fields,
    JSONDict,
    domain_errors,
    optional_moment_to_json,
)


def location_to_json(location: Location) -> JSONDict:
    """A location with its schedule (null: open around the clock) and pause (null: none)."""
    return {
        "id": location.id,
        "name": location.name,
        "timezone": location.timezone,
        "currency": location.currency,
        "schedule": schedule_to_json(location.schedule),
        "pause": pause_to_json(location.pause_state),
    }


def location_from_json(data: object) -> Location:
    """Rebuild a location written by :func:`location_to_json`, with no pending events."""
    fields = Fields(data, "location")
    id_, name = fields.text("id"), fields.text("name")
    timezone, currency = fields.text("timezone"), fields.text("currency")
    schedule = _schedule_from_fields(fields.optional_obj("schedule"))
    pause = _pause_from_fields(fields.optional_obj("pause"))
    with domain_errors(fields.path):
        return Location(
            id=id_,
            name=name,
            timezone=timezone,
            currency=currency,
            schedule=schedule,
            pause=pause,
        )


def schedule_to_json(schedule: WeeklySchedule | None) -> JSONDict | None:
    """Weekly hours and dated exceptions; None stays None (no schedule: always open)."""
    if schedule is None:
        return None
    return {
        "hours": {
            day.name.lower(): [_interval_to_json(i) for i in schedule.hours[day]]
            for day in sorted(schedule.hours)
        },
        "exceptions": [
            {
                "day": exception.day.isoformat(),
                "intervals": [_interval_to_json(i) for i in exception.intervals],
                "reason": exception.reason,
            }
            for exception in schedule.exceptions
        ],
    }


def schedule_from_json(data: object) -> WeeklySchedule | None:
    """Rebuild a schedule written by :func:`schedule_to_json`; None gives None."""
    return None if data is None else _schedule_from_fields(Fields(data, "schedule"))


def pause_to_json(pause: Pause | None) -> JSONDict | None:
    """``{"reason", "until"}`` for a pause (``until`` null waits for a manual resume)."""
    if pause is None:
        return None
    return {"reason": pause.reason, "until": optional_moment_to_json(pause.until)}


def pause_from_json(data: object) -> Pause | None:
    """Rebuild a pause written by :func:`pause_to_json`; None gives None."""
    return None if data is None else _pause_from_fields(Fields(data, "pause"))


def _pause_from_fields(fields: Fields | None) -> Pause | None:
    if fields is None:
        return None
    return Pause(reason=fields.text("reason", default=""), until=fields.optional_moment("until"))


def _schedule_from_fields(fields: Fields | None) -> WeeklySchedule | None:
    if fields is None:
        return None
    hours_fields = fields.obj("hours")
    hours: dict[Weekday, tuple[OpeningInterval, ...]] = {}
    for name in hours_fields.names():
        try:
            day = Weekday[name.upper()]
        except KeyError:
            raise ValueError(f"{hours_fields.at(name)}: not a weekday name") from None
        hours[day] = tuple(_interval_from_json(i) for i in hours_fields.objects(name))
    exceptions = tuple(_exception_from_json(e) for e in fields.objects("exceptions"))
    with domain_errors(fields.path):
        return WeeklySchedule(hours, exceptions)


def _exception_from_json(fields: Fields) -> ScheduleException:
    raw = fields.text("day")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{fields.at('day')}: not an ISO date: {raw!r}") from None
    return ScheduleException(
        day=day,
        intervals=tuple(_interval_from_json(i) for i in fields.objects("intervals")),
        reason=fields.text("reason", default=""),
    )


def _interval_to_json(interval: OpeningInterval) -> JSONDict:
    return {"opens": interval.opens.isoformat(), "closes": interval.closes.isoformat()}


def _interval_from_json(fields: Fields) -> OpeningInterval:
    return OpeningInterval(opens=_clock(fields, "opens"), closes=_clock(fields, "closes"))


def _clock(fields: Fields, key: str) -> time:
    """A local wall-clock time; one with an offset is refused, as the model would."""
    raw = fields.text(key)
    try:
        value = time.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{fields.at(key)}: not an ISO time: {raw!r}") from None
    if value.tzinfo is not None:
        raise ValueError(f"{fields.at(key)}: opening hours are local times, without an offset")
    return value
