"""A REST POS's opening hours → a location's :class:`WeeklySchedule`, as ``[schedule]`` says.

Sinqro lists "update your operating schedules through your POS" among what a passive
integration offers: for a POS where the restaurant keeps its hours, the hub reads them
(``services.schedule``) when the POS says they changed (a ``schedule_changed`` webhook)
and they replace the location's hours, which channels are then told about.

Two shapes are common and both are data, not code: one record per interval
(``{"day": "MON", "opens": "09:00", "closes": "22:00"}``), or one record per day with
its intervals nested (``{"weekday": 1, "slots": [{"from": "08:00", "to": "14:00"}]}``).
Times are the location's wall-clock times (``HH:MM`` or ``HH:MM:SS``); a closing at or
before the opening runs past midnight, ``24:00`` is midnight. A weekday no record names
is a day off. Anything else is a ``PermanentError("unexpected_response")`` naming the
path, like every other answer that does not match its manifest.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from orderbridge.connectors.rest_pos.manifest import Manifest, Schedule
from orderbridge.connectors.rest_pos.mapping import Reader
from orderbridge.domain.errors import DomainError
from orderbridge.domain.locations import OpeningInterval, Weekday, WeeklySchedule

_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")
_NAMES = {day.name.lower(): day for day in Weekday}
_NAMES.update({name[:3]: day for name, day in list(_NAMES.items())})
_NAMES.update({str(day.value + 1): day for day in Weekday})  # ISO: 1 = Monday … 7 = Sunday


def schedule(manifest: Manifest, answer: Any) -> WeeklySchedule:
    """The ``schedule`` answer → weekly opening hours (no exceptions: a POS's dated
    exceptions are not read yet; the hub keeps its own)."""
    shape = manifest.schedule
    assert shape is not None  # checks.py refuses services.schedule without [schedule]
    read = Reader(manifest, "schedule")
    hours: dict[Weekday, list[OpeningInterval]] = {}
    for record in read.many(answer, shape.records):
        day = _weekday(read, shape, record)
        if shape.intervals is not None:
            spec = shape.intervals
            pairs = [(i, spec.opens, spec.closes) for i in read.many(record, spec.records)]
        else:
            assert shape.opens is not None and shape.closes is not None
            pairs = [(record, shape.opens, shape.closes)]
        for found, opens, closes in pairs:
            interval = _interval(read, found, opens, closes)
            hours.setdefault(day, []).append(interval)
    try:
        return WeeklySchedule(hours={d: tuple(sorted(i, key=_start)) for d, i in hours.items()})
    except DomainError as exc:
        raise read.fail(f"has opening hours the hub cannot use: {exc}") from None


def _weekday(read: Reader, shape: Schedule, record: Any) -> Weekday:
    raw = read.text(record, shape.day)
    assert raw is not None
    if shape.days:
        named = shape.days.get(raw)
        if named is None:
            raise read.fail(f"has {raw!r} at {shape.day}, which [schedule.days] does not map")
        return _NAMES[named]
    found = _NAMES.get(raw.strip().lower())
    if found is None:
        raise read.fail(f"has {raw!r} at {shape.day}, not a weekday (map it in [schedule.days])")
    return found


def _interval(read: Reader, record: Any, opens: str, closes: str) -> OpeningInterval:
    try:
        return OpeningInterval(_time(read, record, opens), _time(read, record, closes))
    except DomainError as exc:
        raise read.fail(f"has an interval the hub cannot use: {exc}") from None


def _time(read: Reader, record: Any, path: str) -> time:
    raw = read.text(record, path)
    assert raw is not None
    match = _TIME.match(raw.strip())
    if match is None or (match.group(1) == "24" and raw.strip() not in ("24:00", "24:00:00")):
        raise read.fail(f"has {raw!r} at {path}, not a time of day (HH:MM)")
    hour = int(match.group(1)) % 24
    return time(hour, int(match.group(2)), int(match.group(3) or 0))


def _start(interval: OpeningInterval) -> time:
    return interval.opens
