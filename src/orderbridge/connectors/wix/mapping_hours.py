"""The hub's opening hours and preparation time in Wix's shapes (pure functions).

**Weekly hours** become each fulfillment method's ``availability.availableTimes``: one
entry per open weekday with its ``timeRanges`` (``{"hours", "minutes"}``, hours 0-23).
A night past midnight (Friday 18:00-02:00) is split at midnight: Friday 18:00-23:59
and Saturday 00:00-02:00. Wix's documented bounds stop at 23:59; whether it takes
``{"hours": 24}`` for midnight is *unconfirmed*, so a range that runs to midnight ends
at 23:59 — the last minute of the day is lost, which costs nothing in practice.

**Dated exceptions** (a holiday, a short day) become availability exceptions, the one
thing Wix offers for a date; they can only close (``available`` is always false). For
each exception date the hub works out when Wix's weekly hours would be open but the
hub's hours are not, and closes exactly that. A date the hub opens *longer* than the
week cannot be told to Wix; :func:`closures` reports nothing for the extra time (the
hub still refuses or accepts storefront orders by its own hours).

Exceptions the hub makes carry a ``name`` starting with :data:`HUB_MARK`, so the hub
replaces only its own and never touches closures the restaurant entered in Wix.

**Preparation time** goes into the operation's ``orderScheduling.asapOptions``. Wix's
docs and SDK releases spell it two ways — ``preparationTime`` (``MAX_TIME`` with
``maxTimeOptions`` or ``TIME_RANGE`` with ``timeRangeOptions``) and the older
``type``/``maxOptions``/``rangeOptions`` — so :func:`with_prep_minutes` keeps whichever
spelling the operation already uses and changes only the minutes. Wix overwrites
``orderScheduling`` whole, so the result is the whole object.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from orderbridge.domain.locations import WeeklySchedule

HUB_MARK = "orderbridge"
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
DAY_MINUTES = 24 * 60
LAST_MINUTE = {"hours": 23, "minutes": 59}

Span = tuple[datetime, datetime]


def _clock(minutes: int) -> dict[str, int]:
    if minutes >= DAY_MINUTES:
        return dict(LAST_MINUTE)
    return {"hours": minutes // 60, "minutes": minutes % 60}


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def available_times(schedule: WeeklySchedule) -> list[dict[str, Any]]:
    """The weekly hours as ``availability.availableTimes`` (Monday first)."""
    per_day: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for day, intervals in schedule.hours.items():
        for interval in intervals:
            opens = interval.opens.hour * 60 + interval.opens.minute
            closes = interval.closes.hour * 60 + interval.closes.minute
            if interval.overnight:
                per_day[day].append((opens, DAY_MINUTES))
                if closes:
                    per_day[(day + 1) % 7].append((0, closes))
            else:
                per_day[day].append((opens, closes))
    return [
        {
            "dayOfWeek": DAYS[day],
            "timeRanges": [
                {"startTime": _clock(start), "endTime": _clock(end)}
                for start, end in _merge(per_day[day])
            ],
        }
        for day in range(7)
        if per_day[day]
    ]


def same_times(current: Any, wanted: list[dict[str, Any]]) -> bool:
    """True if a method's ``availableTimes`` already says ``wanted`` (a missing
    ``minutes`` or ``hours`` reads as 0, as in Wix's answers)."""

    def norm(times: Any) -> list[tuple[str, list[tuple[int, int, int, int]]]]:
        out = []
        for entry in times if isinstance(times, list) else []:
            ranges = []
            for span in entry.get("timeRanges") or []:
                start, end = span.get("startTime") or {}, span.get("endTime") or {}
                ranges.append(
                    (
                        int(start.get("hours", 0)),
                        int(start.get("minutes", 0)),
                        int(end.get("hours", 0)),
                        int(end.get("minutes", 0)),
                    )
                )
            if ranges:
                out.append((str(entry.get("dayOfWeek")), sorted(ranges)))
        return sorted(out)

    return norm(current) == norm(wanted)


def _open_spans(schedule: WeeklySchedule, first: date, last: date, zone: ZoneInfo) -> list[Span]:
    """Local open spans of the business days ``first``..``last``."""
    spans: list[Span] = []
    day = first
    while day <= last:
        for interval in schedule.intervals_on(day):
            end_day = day + timedelta(days=1) if interval.overnight else day
            start = datetime.combine(day, interval.opens, zone)
            spans.append((start, datetime.combine(end_day, interval.closes, zone)))
        day += timedelta(days=1)
    return spans


def _subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    left = sorted(spans)
    for hole_start, hole_end in holes:
        kept: list[Span] = []
        for start, end in left:
            if hole_end <= start or end <= hole_start:
                kept.append((start, end))
                continue
            if start < hole_start:
                kept.append((start, hole_start))
            if hole_end < end:
                kept.append((hole_end, end))
        left = kept
    return left


def closures(schedule: WeeklySchedule, *, zone: ZoneInfo, now: datetime) -> list[Span]:
    """When the week would have Wix open but the hub's dated exceptions close (UTC
    spans, merged, only those not over by ``now``)."""
    weekly = WeeklySchedule(hours=schedule.hours)
    found: list[Span] = []
    for exception in schedule.exceptions:
        day = exception.day
        # The date's own hours and its night past midnight; the night before is
        # yesterday's and stays as it was.
        window = (
            datetime.combine(day, datetime.min.time(), zone),
            datetime.combine(day + timedelta(days=2), datetime.min.time(), zone),
        )
        wix_open = [
            (max(a, window[0]), min(b, window[1]))
            for a, b in _open_spans(weekly, day, day, zone)
            if a < window[1] and b > window[0]
        ]
        hub_open = _open_spans(schedule, day - timedelta(days=1), day + timedelta(days=1), zone)
        found += _subtract(wix_open, hub_open)
    spans = sorted((a.astimezone(UTC), b.astimezone(UTC)) for a, b in found if b > now)
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def closure_name(schedule: WeeklySchedule, span: Span, zone: ZoneInfo) -> str:
    """``orderbridge: <the exception's reason>`` for the exception date a span is on."""
    local_day = span[0].astimezone(zone).date()
    reasons = [e.reason for e in schedule.exceptions if e.day in (local_day, _prev(local_day))]
    reason = next((r for r in reasons if r), "closed")
    return f"{HUB_MARK}: {reason}"[:500]


def _prev(day: date) -> date:
    return day - timedelta(days=1)


# Preparation time --------------------------------------------------------------------


def prep_minutes(scheduling: dict[str, Any]) -> int | None:
    """The ASAP preparation time an operation's ``orderScheduling`` states (the upper
    bound of a range), or None when it states none."""
    asap = scheduling.get("asapOptions")
    if not isinstance(asap, dict):
        return None
    prep = asap.get("preparationTime")
    options: Any = None
    if isinstance(prep, dict):
        options = prep.get("maxTimeOptions") or prep.get("timeRangeOptions")
    else:
        options = asap.get("maxOptions") or asap.get("rangeOptions")
    if not isinstance(options, dict):
        return None
    value = options.get("duration", options.get("maxDuration"))
    unit = {"MINUTES": 1, "HOURS": 60, "DAYS": DAY_MINUTES}.get(str(options.get("timeUnit")), 1)
    return int(value) * unit if isinstance(value, int) else None


def _minutes(options: Any, minutes: int, *, ranged: bool) -> dict[str, Any]:
    if not ranged:
        return {"timeUnit": "MINUTES", "duration": minutes}
    low, high = minutes, minutes
    if isinstance(options, dict) and options.get("timeUnit") in (None, "MINUTES"):
        low_was, high_was = options.get("minDuration"), options.get("maxDuration")
        if isinstance(low_was, int) and isinstance(high_was, int) and high_was >= low_was:
            low = max(0, minutes - (high_was - low_was))  # keep the range's width
    return {"timeUnit": "MINUTES", "minDuration": low, "maxDuration": high}


def with_prep_minutes(scheduling: dict[str, Any], minutes: int) -> dict[str, Any] | None:
    """``orderScheduling`` with its ASAP preparation time set to ``minutes`` (the
    range's upper bound for a range), in the spelling it already uses; None for a
    pre-order-only operation (it promises no ASAP time)."""
    if scheduling.get("type") not in (None, "ASAP"):
        return None
    asap = dict(scheduling.get("asapOptions") or {})
    prep = asap.get("preparationTime")
    if isinstance(prep, dict) and prep.get("type") == "TIME_RANGE":
        options = _minutes(prep.get("timeRangeOptions"), minutes, ranged=True)
        asap["preparationTime"] = {"type": "TIME_RANGE", "timeRangeOptions": options}
    elif isinstance(prep, dict) or not asap:
        options = _minutes(None, minutes, ranged=False)
        asap["preparationTime"] = {"type": "MAX_TIME", "maxTimeOptions": options}
    elif asap.get("type") == "RANGE" or "rangeOptions" in asap:
        asap["rangeOptions"] = _minutes(asap.get("rangeOptions"), minutes, ranged=True)
    else:
        asap["type"] = asap.get("type") or "MAX"
        asap["maxOptions"] = _minutes(None, minutes, ranged=False)
    return {**scheduling, "type": "ASAP", "asapOptions": asap}
