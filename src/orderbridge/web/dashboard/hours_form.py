"""Opening hours as the Locations page writes them, and back.

A person edits hours as text: one box per weekday (``09:00-14:00, 15:00-22:00``; empty
or ``closed``: a day off; ``18:00-02:00`` runs past midnight) and one line per exception
(``2026-12-31 closed New Year's Eve``, ``2027-01-07 10:00-16:00 short day``). The text
becomes the admin API's body (:class:`HoursIO`) and goes through the same checks as
``PUT /api/v1/admin/locations/{id}/hours`` (``convert_hours.hours_to_schedule``), so a
problem carries the API's field path (``weekly.friday[1]``, ``exceptions[0].date``);
:attr:`HoursProblem.box` says which box of the form it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from orderbridge.domain.locations import OpeningInterval, Weekday, WeeklySchedule
from orderbridge.web.convert_hours import hours_to_schedule
from orderbridge.web.schemas.location_ops import MAX_EXCEPTIONS, HoursIO

DAYS = tuple(day.name.lower() for day in Weekday)
_INTERVAL = re.compile(r"(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})")
_CLOSED = re.compile(r"closed\b\s*", re.IGNORECASE)
_SEPARATORS = " ,;"


@dataclass(frozen=True)
class HoursText:
    """What the form's boxes hold: each weekday's text and the exception lines."""

    weekly: dict[str, str] = field(default_factory=dict)
    exceptions: str = ""


@dataclass(frozen=True)
class HoursProblem:
    """Why the hours were not saved: the API's field path and the form box it is in."""

    message: str
    field: str

    @property
    def box(self) -> str:
        """``monday`` … ``sunday`` or ``exceptions``: the input to mark."""
        if self.field.startswith("weekly."):
            return self.field.removeprefix("weekly.").split("[")[0]
        return "exceptions"

    @property
    def label(self) -> str:
        """Where, in the form's words: ``friday`` or ``exceptions, line 2``."""
        if self.box != "exceptions" or not self.field.startswith("exceptions["):
            return self.box
        line = int(self.field.removeprefix("exceptions[").split("]")[0]) + 1
        return f"exceptions, line {line}"


def _clock(interval: OpeningInterval) -> str:
    return f"{interval.opens:%H:%M}-{interval.closes:%H:%M}"


def hours_text(schedule: WeeklySchedule | None) -> HoursText:
    """The boxes' text for saved hours (no hours: empty boxes)."""
    if schedule is None:
        return HoursText()
    weekly = {
        day.name.lower(): ", ".join(_clock(i) for i in schedule.hours.get(day, ()))
        for day in Weekday
    }
    lines = []
    for exception in schedule.exceptions:
        hours = ", ".join(_clock(i) for i in exception.intervals) or "closed"
        lines.append(f"{exception.day.isoformat()} {hours} {exception.reason}".rstrip())
    return HoursText(weekly=weekly, exceptions="\n".join(lines))


def _intervals(text: str) -> tuple[list[dict[str, str]], str]:
    """The intervals at the start of ``text`` and what follows them."""
    found: list[dict[str, str]] = []
    rest = text.strip(_SEPARATORS)
    while match := _INTERVAL.match(rest):
        opens_h, opens_m, closes_h, closes_m = match.groups()
        found.append(
            {"opens": f"{int(opens_h):02d}:{opens_m}", "closes": f"{int(closes_h):02d}:{closes_m}"}
        )
        rest = rest[match.end() :].lstrip(_SEPARATORS)
    return found, rest


def _day(text: str, day: str) -> list[dict[str, str]] | HoursProblem:
    found, rest = _intervals(text)
    if not found and (closed := _CLOSED.match(rest)):
        rest = rest[closed.end() :]
    if rest.strip():
        message = f"cannot read {rest.strip()!r}: write hours as 09:00-18:00, 19:00-23:00"
        return HoursProblem(message, f"weekly.{day}")
    return found


def _exception(line: str, index: int) -> dict[str, Any] | HoursProblem:
    day, _, rest = line.strip().partition(" ")
    found, reason = _intervals(rest)
    if not found and (closed := _CLOSED.match(reason)):
        reason = reason[closed.end() :]
    elif not found:
        message = f"say 'closed' or the hours after the date ({line.strip()!r})"
        return HoursProblem(message, f"exceptions[{index}]")
    return {"date": day, "intervals": found, "reason": reason.strip(" -–—:")}


def _pydantic_field(error: dict[str, Any]) -> str:
    """``("weekly", "friday", 1, "opens")`` → ``weekly.friday[1]``."""
    path = ""
    for part in error["loc"][:3]:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def read_hours(text: HoursText) -> WeeklySchedule | HoursProblem:
    """The schedule the boxes describe, or the first problem (with its field)."""
    weekly: dict[str, list[dict[str, str]]] = {}
    for day in DAYS:
        intervals = _day(text.weekly.get(day, ""), day)
        if isinstance(intervals, HoursProblem):
            return intervals
        weekly[day] = intervals
    lines = [line for line in text.exceptions.splitlines() if line.strip()]
    if len(lines) > MAX_EXCEPTIONS:
        return HoursProblem(f"at most {MAX_EXCEPTIONS} exceptions", "exceptions")
    exceptions = []
    for index, line in enumerate(lines):
        exception = _exception(line, index)
        if isinstance(exception, HoursProblem):
            return exception
        exceptions.append(exception)
    try:
        body = HoursIO.model_validate({"weekly": weekly, "exceptions": exceptions})
    except ValidationError as invalid:
        first = invalid.errors()[0]
        where = _pydantic_field(dict(first))
        return HoursProblem(str(first["msg"]), where)
    schedule, problems = hours_to_schedule(body)
    if schedule is None:
        return HoursProblem(problems[0].message, problems[0].field)
    return schedule
