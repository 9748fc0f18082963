"""Opening hours, busy mode and snoozes between the admin API's wire shapes and the
domain; every refusal names its field the way the body spells it."""

from __future__ import annotations

from datetime import datetime, time

from orderbridge.domain.availability import Snooze, find_target
from orderbridge.domain.hours import HoursProblem, check_hours
from orderbridge.domain.locations import (
    Busy,
    OpeningInterval,
    ScheduleException,
    Weekday,
    WeeklySchedule,
)
from orderbridge.domain.menu import Menu
from orderbridge.web.schemas.location_ops import (
    BusyOut,
    ExceptionIO,
    HoursIO,
    IntervalIO,
    SnoozeOut,
    WeeklyIO,
)


def _interval(body: IntervalIO) -> OpeningInterval:
    return OpeningInterval(
        opens=time.fromisoformat(body.opens), closes=time.fromisoformat(body.closes)
    )


def hours_to_schedule(body: HoursIO) -> tuple[WeeklySchedule | None, list[HoursProblem]]:
    """The schedule ``body`` describes, or the problems that keep it from being one."""
    weekly = {
        day: tuple(_interval(i) for i in getattr(body.weekly, day.name.lower())) for day in Weekday
    }
    exceptions = tuple(
        ScheduleException(
            day=e.date, intervals=tuple(_interval(i) for i in e.intervals), reason=e.reason
        )
        for e in body.exceptions
    )
    problems = check_hours(weekly, exceptions)
    if problems:
        return None, problems
    return WeeklySchedule({d: i for d, i in weekly.items() if i}, exceptions), []


def _interval_out(interval: OpeningInterval) -> IntervalIO:
    return IntervalIO(
        opens=interval.opens.strftime("%H:%M"), closes=interval.closes.strftime("%H:%M")
    )


def schedule_to_hours(schedule: WeeklySchedule | None) -> HoursIO | None:
    """The wire shape of a schedule; None stays None (open around the clock)."""
    if schedule is None:
        return None
    weekly = WeeklyIO(
        **{
            day.name.lower(): [_interval_out(i) for i in schedule.hours.get(day, ())]
            for day in Weekday
        }
    )
    exceptions = [
        ExceptionIO(date=e.day, intervals=[_interval_out(i) for i in e.intervals], reason=e.reason)
        for e in schedule.exceptions
    ]
    return HoursIO(weekly=weekly, exceptions=exceptions)


def busy_out(busy: Busy | None) -> BusyOut | None:
    if busy is None:
        return None
    return BusyOut(extra_minutes=busy.extra_minutes, until=busy.until, source=busy.source)


def snooze_out(snooze: Snooze, *, menu: Menu | None, now: datetime) -> SnoozeOut:
    """A snooze with the name of what it switches off and the seconds it has left."""
    name = find_target(menu, snooze.target, snooze.target_id) if menu else None
    return SnoozeOut(
        id=snooze.id,
        target=snooze.target,
        target_id=snooze.target_id,
        name=name or snooze.target_id,
        until=snooze.until,
        remaining_seconds=max(int((snooze.until - now).total_seconds()), 0),
        reason=snooze.reason,
    )
