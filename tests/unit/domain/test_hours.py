"""Opening hours are checked before they replace a location's (``domain.hours``)."""

from __future__ import annotations

from datetime import date, time

from orderbridge.domain.hours import check_hours
from orderbridge.domain.locations import OpeningInterval, ScheduleException, Weekday


def _i(opens: int, closes: int) -> OpeningInterval:
    return OpeningInterval(time(opens), time(closes))


def test_sensible_hours_have_no_problems() -> None:
    weekly = {
        Weekday.MONDAY: (_i(9, 14), _i(14, 22)),  # touching is fine
        Weekday.FRIDAY: (_i(18, 2),),
        Weekday.SATURDAY: (_i(10, 23),),
    }
    assert check_hours(weekly) == []


def test_overlapping_intervals_of_a_day_name_the_later_one() -> None:
    [problem] = check_hours({Weekday.TUESDAY: (_i(12, 20), _i(9, 13))})
    assert problem.field == "weekly.tuesday[0]"
    assert "overlaps" in problem.message


def test_friday_night_running_into_saturday_morning_is_an_overlap() -> None:
    [problem] = check_hours({Weekday.FRIDAY: (_i(18, 3),), Weekday.SATURDAY: (_i(1, 10),)})
    assert problem.field == "weekly.saturday[0]"


def test_sunday_night_runs_into_monday() -> None:
    [problem] = check_hours({Weekday.SUNDAY: (_i(20, 4),), Weekday.MONDAY: (_i(3, 12),)})
    assert problem.field == "weekly.monday[0]"


def test_two_exceptions_for_one_date_are_refused() -> None:
    new_year = date(2026, 12, 31)
    problems = check_hours(
        {},
        (ScheduleException(new_year), ScheduleException(new_year, (_i(10, 15),))),
    )
    assert [p.field for p in problems] == ["exceptions[1].date"]


def test_an_exceptions_own_intervals_must_not_overlap() -> None:
    [problem] = check_hours({}, (ScheduleException(date(2026, 12, 24), (_i(10, 15), _i(14, 18))),))
    assert problem.field == "exceptions[0].intervals[1]"
