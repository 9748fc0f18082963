"""Checking opening hours before they replace a location's: no overlaps, no two
exceptions for one date.

:class:`~orderbridge.domain.locations.WeeklySchedule` already knows what hours mean
(intervals past midnight belong to the day they start on); this module says whether a
set of hours makes sense, with the path of the offending field as the admin API spells
it (``weekly.friday[1]``, ``exceptions[0].intervals[1]``, ``exceptions[2].date``), so a
dashboard can point at the mistake.

Two intervals overlap when they share a minute: on the same day, or an interval that
runs past midnight into the next day's first hours ("Fri 18:00–02:00" and
"Sat 01:00–10:00"). Touching intervals (10:00–14:00 and 14:00–18:00) are fine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from orderbridge.domain.locations import OpeningInterval, ScheduleException, Weekday

DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class HoursProblem:
    """One thing wrong with a set of hours: a message and the field it is about."""

    message: str
    field: str


def _span(interval: OpeningInterval) -> tuple[int, int]:
    """Minutes from the day's midnight: (start, end), end past 1440 for overnight ones."""
    start = interval.opens.hour * 60 + interval.opens.minute
    end = interval.closes.hour * 60 + interval.closes.minute
    return start, end + DAY if end <= start else end


def _day_problems(
    intervals: Sequence[OpeningInterval], field: str, carried: int
) -> list[HoursProblem]:
    """Overlaps within one day's intervals; ``carried`` is where yesterday's hours end
    (minutes after this midnight, 0 if they did not run past it)."""
    problems: list[HoursProblem] = []
    spans = sorted((_span(i), n) for n, i in enumerate(intervals))
    reach = carried
    for (start, end), index in spans:
        if start < reach:
            problems.append(
                HoursProblem("overlaps other opening hours of the same day", f"{field}[{index}]")
            )
        reach = max(reach, end)
    if reach > 2 * DAY:
        problems.append(HoursProblem("opening hours cannot span more than a day", field))
    return problems


def check_hours(
    weekly: Mapping[Weekday, Sequence[OpeningInterval]],
    exceptions: Sequence[ScheduleException] = (),
) -> list[HoursProblem]:
    """Every problem with these hours (empty: they can be saved)."""
    problems: list[HoursProblem] = []
    for day in Weekday:
        yesterday = Weekday((day - 1) % 7)
        carried = max((_span(i)[1] - DAY for i in weekly.get(yesterday, ())), default=0)
        problems += _day_problems(weekly.get(day, ()), f"weekly.{day.name.lower()}", carried)
    seen: dict[date, int] = {}
    for index, exception in enumerate(exceptions):
        if exception.day in seen:
            message = f"exceptions[{seen[exception.day]}] is for {exception.day} already"
            problems.append(HoursProblem(message, f"exceptions[{index}].date"))
            continue
        seen[exception.day] = index
        problems += _day_problems(exception.intervals, f"exceptions[{index}].intervals", 0)
    return problems
