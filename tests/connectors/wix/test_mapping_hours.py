"""The hub's hours and preparation time in Wix's shapes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from orderbridge.connectors.wix import mapping_hours as hours
from orderbridge.domain.locations import (
    OpeningInterval,
    ScheduleException,
    Weekday,
    WeeklySchedule,
)

KYIV = ZoneInfo("Europe/Kyiv")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday


def _i(opens: str, closes: str) -> OpeningInterval:
    return OpeningInterval(time.fromisoformat(opens), time.fromisoformat(closes))


def _range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, dict[str, int]]:
    return {
        "startTime": {"hours": start[0], "minutes": start[1]},
        "endTime": {"hours": end[0], "minutes": end[1]},
    }


WEEK = WeeklySchedule(
    hours={
        Weekday.MONDAY: [_i("09:00", "12:00")],  # inside Sunday's 24 hours
        Weekday.TUESDAY: [_i("09:00", "14:00"), _i("13:30", "18:00")],
        Weekday.FRIDAY: [_i("18:00", "02:00")],
        Weekday.SUNDAY: [_i("22:00", "22:00")],  # 24 hours from Sunday 22:00
    }
)


def test_weekly_hours_split_nights_at_midnight_and_merge_overlaps() -> None:
    assert hours.available_times(WEEK) == [
        {"dayOfWeek": "MON", "timeRanges": [_range((0, 0), (22, 0))]},
        {"dayOfWeek": "TUE", "timeRanges": [_range((9, 0), (18, 0))]},
        {"dayOfWeek": "FRI", "timeRanges": [_range((18, 0), (23, 59))]},
        {"dayOfWeek": "SAT", "timeRanges": [_range((0, 0), (2, 0))]},
        {"dayOfWeek": "SUN", "timeRanges": [_range((22, 0), (23, 59))]},
    ]


def test_same_times_ignores_order_and_missing_zero_fields() -> None:
    wanted = hours.available_times(WEEK)
    shuffled = list(reversed(wanted))
    assert hours.same_times(shuffled, wanted)
    as_wix_says = [
        {"dayOfWeek": "SAT", "timeRanges": [{"startTime": {}, "endTime": {"hours": 2}}]},
    ]
    assert hours.same_times(
        as_wix_says, [{"dayOfWeek": "SAT", "timeRanges": [_range((0, 0), (2, 0))]}]
    )
    assert not hours.same_times(None, wanted)


def _week_with(*exceptions: ScheduleException) -> WeeklySchedule:
    every_day = {day: [_i("09:00", "18:00")] for day in Weekday}
    every_day[Weekday.FRIDAY] = [_i("18:00", "02:00")]
    return WeeklySchedule(hours=every_day, exceptions=exceptions)


def test_a_holiday_closes_its_own_hours_and_its_night_not_the_night_before() -> None:
    # Saturday 2026-12-05 closed: Friday's night until 02:00 stays open.
    schedule = _week_with(ScheduleException(date(2026, 12, 5), (), "staff party"))
    [span] = hours.closures(schedule, zone=KYIV, now=NOW)
    assert span == (
        datetime(2026, 12, 5, 7, 0, tzinfo=UTC),
        datetime(2026, 12, 5, 16, 0, tzinfo=UTC),
    )
    assert hours.closure_name(schedule, span, KYIV) == "orderbridge: staff party"


def test_a_closed_friday_closes_its_night_past_midnight_too() -> None:
    schedule = _week_with(ScheduleException(date(2026, 12, 4)))
    assert hours.closures(schedule, zone=KYIV, now=NOW) == [
        (datetime(2026, 12, 4, 16, 0, tzinfo=UTC), datetime(2026, 12, 5, 0, 0, tzinfo=UTC))
    ]


def test_a_short_day_closes_only_the_rest_and_longer_hours_cannot_be_told() -> None:
    short = ScheduleException(date(2026, 12, 31), (_i("09:00", "15:00"),), "New Year's Eve")
    longer = ScheduleException(date(2026, 12, 30), (_i("08:00", "20:00"),))
    schedule = _week_with(short, longer)
    assert hours.closures(schedule, zone=KYIV, now=NOW) == [
        (datetime(2026, 12, 31, 13, 0, tzinfo=UTC), datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    ]


def test_past_exceptions_close_nothing() -> None:
    schedule = _week_with(ScheduleException(date(2026, 11, 20)))
    assert hours.closures(schedule, zone=KYIV, now=NOW) == []


def test_prep_minutes_are_read_and_written_in_the_spelling_the_operation_uses() -> None:
    documented = {
        "type": "ASAP",
        "asapOptions": {
            "preparationTime": {
                "type": "MAX_TIME",
                "maxTimeOptions": {"timeUnit": "MINUTES", "duration": 30},
            },
            "asapFutureHandlingType": "BUSINESS_DAYS_AHEAD_HANDLING",
        },
    }
    assert hours.prep_minutes(documented) == 30
    changed = hours.with_prep_minutes(documented, 45)
    assert changed is not None and hours.prep_minutes(changed) == 45
    assert changed["asapOptions"]["asapFutureHandlingType"] == "BUSINESS_DAYS_AHEAD_HANDLING"

    older = {
        "type": "ASAP",
        "asapOptions": {"type": "MAX", "maxOptions": {"timeUnit": "MINUTES", "duration": 20}},
    }
    changed = hours.with_prep_minutes(older, 35)
    assert changed == {
        "type": "ASAP",
        "asapOptions": {"type": "MAX", "maxOptions": {"timeUnit": "MINUTES", "duration": 35}},
    }

    ranged = {
        "type": "ASAP",
        "asapOptions": {
            "preparationTime": {
                "type": "TIME_RANGE",
                "timeRangeOptions": {"timeUnit": "MINUTES", "minDuration": 15, "maxDuration": 25},
            }
        },
    }
    changed = hours.with_prep_minutes(ranged, 45)
    assert changed is not None
    assert changed["asapOptions"]["preparationTime"]["timeRangeOptions"] == {
        "timeUnit": "MINUTES", "minDuration": 35, "maxDuration": 45,
    }  # fmt: skip
    assert hours.prep_minutes(changed) == 45

    assert hours.prep_minutes({}) is None
    assert hours.with_prep_minutes({}, 20) == {
        "type": "ASAP",
        "asapOptions": {
            "preparationTime": {
                "type": "MAX_TIME",
                "maxTimeOptions": {"timeUnit": "MINUTES", "duration": 20},
            }
        },
    }
    assert hours.with_prep_minutes({"type": "PREORDER", "preorderOptions": {}}, 20) is None
    in_hours = {
        "asapOptions": {"preparationTime": {"maxTimeOptions": {"timeUnit": "HOURS", "duration": 1}}}
    }
    assert hours.prep_minutes(in_hours) == 60
