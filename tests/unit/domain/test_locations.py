from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from orderbridge.domain.errors import (
    DuplicateIdError,
    InvalidValueError,
    NaiveDatetimeError,
    UnknownTimezoneError,
)
from orderbridge.domain.events import LocationScheduleChanged, LocationStatusChanged
from orderbridge.domain.locations import (
    Location,
    LocationState,
    LocationStatus,
    OpeningInterval,
    Pause,
    ScheduleException,
    Weekday,
    WeeklySchedule,
)

from .cafe import LOCATION_ID, kyiv_location, weekdays_9_to_18

KYIV = ZoneInfo("Europe/Kyiv")
FRIDAY = date(2026, 11, 20)
SATURDAY = FRIDAY + timedelta(days=1)


def kyiv(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=KYIV)


def every_day(opens: time, closes: time) -> WeeklySchedule:
    return WeeklySchedule({day: (OpeningInterval(opens, closes),) for day in Weekday})


def friday_night_bar(*exceptions: ScheduleException) -> WeeklySchedule:
    """Friday 18:00 to Saturday 02:00; nothing else."""
    return WeeklySchedule({Weekday.FRIDAY: (OpeningInterval(time(18), time(2)),)}, exceptions)


def state(location: Location, moment: datetime) -> LocationState:
    return location.status_at(moment).state


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (kyiv(FRIDAY, 8, 59), LocationState.CLOSED),
        (kyiv(FRIDAY, 9, 0), LocationState.OPEN),
        (kyiv(FRIDAY, 17, 59), LocationState.OPEN),
        (kyiv(FRIDAY, 18, 0), LocationState.CLOSED),
        (kyiv(SATURDAY, 12, 0), LocationState.CLOSED),
    ],
)
def test_weekday_hours_open_inclusive_and_close_exclusive(
    moment: datetime, expected: LocationState
) -> None:
    assert state(kyiv_location(weekdays_9_to_18()), moment) is expected


def test_moments_in_any_timezone_are_judged_in_local_time() -> None:
    location = kyiv_location(weekdays_9_to_18())
    # 07:30 UTC on a November Friday is 09:30 in Kyiv (UTC+2).
    assert state(location, datetime(2026, 11, 20, 7, 30, tzinfo=UTC)) is LocationState.OPEN
    assert location.local_time(datetime(2026, 11, 20, 7, 30, tzinfo=UTC)).hour == 9


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (kyiv(FRIDAY, 17, 59), LocationState.CLOSED),
        (kyiv(FRIDAY, 23, 30), LocationState.OPEN),
        (kyiv(SATURDAY, 0, 0), LocationState.OPEN),
        (kyiv(SATURDAY, 1, 59), LocationState.OPEN),
        (kyiv(SATURDAY, 2, 0), LocationState.CLOSED),
        (kyiv(SATURDAY, 18, 30), LocationState.CLOSED),
    ],
)
def test_an_interval_past_midnight_runs_into_the_next_day(
    moment: datetime, expected: LocationState
) -> None:
    assert state(kyiv_location(friday_night_bar()), moment) is expected


def test_a_closed_all_day_exception_also_cancels_the_nights_tail() -> None:
    location = kyiv_location(friday_night_bar(ScheduleException(FRIDAY, reason="holiday")))
    assert state(location, kyiv(FRIDAY, 20)) is LocationState.CLOSED
    assert state(location, kyiv(SATURDAY, 1)) is LocationState.CLOSED


def test_an_exception_on_the_next_day_does_not_cut_the_night_short() -> None:
    location = kyiv_location(friday_night_bar(ScheduleException(SATURDAY)))
    assert state(location, kyiv(SATURDAY, 1)) is LocationState.OPEN


def test_special_hours_replace_the_regular_ones_on_that_date() -> None:
    short_day = ScheduleException(FRIDAY, (OpeningInterval(time(10), time(14)),), "inventory")
    schedule = WeeklySchedule(weekdays_9_to_18().hours, (short_day,))
    location = kyiv_location(schedule)
    assert state(location, kyiv(FRIDAY, 9, 30)) is LocationState.CLOSED
    assert state(location, kyiv(FRIDAY, 13, 0)) is LocationState.OPEN
    assert state(location, kyiv(FRIDAY, 15, 0)) is LocationState.CLOSED
    assert state(location, kyiv(FRIDAY - timedelta(days=1), 15, 0)) is LocationState.OPEN


def test_equal_opening_and_closing_times_mean_around_the_clock() -> None:
    location = kyiv_location(every_day(time(0), time(0)))
    for hour in (0, 3, 12, 23):
        assert state(location, kyiv(FRIDAY, hour)) is LocationState.OPEN


def test_a_location_without_schedule_is_always_open() -> None:
    assert state(kyiv_location(), kyiv(SATURDAY, 4)) is LocationState.OPEN


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Kyiv moves from UTC+2 to UTC+3 on 2024-03-31: 06:30 UTC is 08:30, then 09:30.
        (datetime(2024, 3, 30, 6, 30, tzinfo=UTC), LocationState.CLOSED),
        (datetime(2024, 3, 31, 6, 30, tzinfo=UTC), LocationState.OPEN),
        # And back on 2024-10-27: 06:30 UTC is 09:30, then 08:30.
        (datetime(2024, 10, 26, 6, 30, tzinfo=UTC), LocationState.OPEN),
        (datetime(2024, 10, 27, 6, 30, tzinfo=UTC), LocationState.CLOSED),
    ],
)
def test_opening_hours_follow_the_wall_clock_across_dst(
    utc: datetime, expected: LocationState
) -> None:
    assert state(kyiv_location(every_day(time(9), time(18))), utc) is expected


def test_a_night_interval_spanning_the_dst_change_closes_by_the_wall_clock() -> None:
    # Saturday 22:00 to 04:00 the night clocks go back: the wall clock passes 03:00 twice.
    location = kyiv_location(
        WeeklySchedule({Weekday.SATURDAY: (OpeningInterval(time(22), time(4)),)})
    )
    assert state(location, datetime(2024, 10, 27, 0, 30, tzinfo=UTC)) is LocationState.OPEN
    assert state(location, datetime(2024, 10, 27, 1, 30, tzinfo=UTC)) is LocationState.OPEN
    assert state(location, datetime(2024, 10, 27, 2, 0, tzinfo=UTC)) is LocationState.CLOSED


def test_closed_status_says_when_the_location_opens_next() -> None:
    status = kyiv_location(weekdays_9_to_18()).status_at(kyiv(SATURDAY, 12))
    assert status == LocationStatus(LocationState.CLOSED, opens_at=kyiv(SATURDAY + timedelta(2), 9))


def test_next_opening_skips_a_dst_gap() -> None:
    # 03:30 does not exist in Kyiv on 2024-03-31; the first real moment after is 04:30.
    schedule = every_day(time(3, 30), time(12))
    opens = schedule.next_opening(datetime(2024, 3, 31, 0, 0, tzinfo=KYIV))
    assert opens == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)


def test_next_opening_gives_up_on_a_schedule_that_never_opens() -> None:
    assert WeeklySchedule({}).next_opening(kyiv(FRIDAY, 12)) is None


def test_a_pause_holds_until_its_end_then_lifts_itself() -> None:
    location = kyiv_location()
    until = kyiv(FRIDAY, 13)
    location.pause(kyiv(FRIDAY, 12), reason="kitchen overloaded", until=until)

    assert location.status_at(kyiv(FRIDAY, 12, 30)) == LocationStatus(
        LocationState.PAUSED, paused_until=until, reason="kitchen overloaded"
    )
    assert state(location, until) is LocationState.OPEN
    assert location.events == [
        LocationStatusChanged(
            at=kyiv(FRIDAY, 12),
            location_id=LOCATION_ID,
            state="paused",
            paused_until=until,
            reason="kitchen overloaded",
        )
    ]


def test_expire_pause_turns_the_automatic_resume_into_an_event() -> None:
    location = kyiv_location()
    until = kyiv(FRIDAY, 13)
    location.pause(kyiv(FRIDAY, 12), until=until)

    assert not location.expire_pause(kyiv(FRIDAY, 12, 59))
    assert location.expire_pause(kyiv(FRIDAY, 13, 5))
    assert location.pause_state is None
    assert location.events[-1] == LocationStatusChanged(
        at=until, location_id=LOCATION_ID, state="open", reason="pause expired"
    )
    assert not location.expire_pause(kyiv(FRIDAY, 14))


def test_an_open_ended_pause_waits_for_a_manual_resume() -> None:
    location = kyiv_location()
    location.pause(kyiv(FRIDAY, 12), reason="power cut")
    assert state(location, kyiv(FRIDAY, 12) + timedelta(days=30)) is LocationState.PAUSED
    assert not location.expire_pause(kyiv(FRIDAY, 12) + timedelta(days=30))

    assert location.resume(kyiv(FRIDAY, 15))
    assert state(location, kyiv(FRIDAY, 15)) is LocationState.OPEN
    assert not location.resume(kyiv(FRIDAY, 16))
    assert [e.state for e in location.events if isinstance(e, LocationStatusChanged)] == [
        "paused",
        "open",
    ]


def test_the_schedule_wins_over_a_pause_when_closed() -> None:
    location = kyiv_location(weekdays_9_to_18())
    location.pause(kyiv(FRIDAY, 12), reason="busy")
    assert state(location, kyiv(FRIDAY, 12)) is LocationState.PAUSED
    assert state(location, kyiv(FRIDAY, 20)) is LocationState.CLOSED


def test_a_pause_must_end_in_the_future() -> None:
    with pytest.raises(InvalidValueError) as caught:
        kyiv_location().pause(kyiv(FRIDAY, 12), until=kyiv(FRIDAY, 11))
    assert caught.value.field == "paused_until"


def test_changing_the_schedule_is_announced() -> None:
    location = kyiv_location()
    location.set_schedule(weekdays_9_to_18(), kyiv(FRIDAY, 8))
    assert state(location, kyiv(FRIDAY, 8)) is LocationState.CLOSED
    assert location.events == [LocationScheduleChanged(at=kyiv(FRIDAY, 8), location_id=LOCATION_ID)]


def test_status_refuses_naive_moments() -> None:
    with pytest.raises(NaiveDatetimeError):
        kyiv_location().status_at(datetime(2026, 11, 20, 12, 0))
    with pytest.raises(NaiveDatetimeError):
        Pause(until=datetime(2026, 11, 20, 12, 0))


def test_unknown_timezones_and_currencies_are_refused() -> None:
    with pytest.raises(UnknownTimezoneError) as caught:
        Location(id="x", name="X", timezone="Europe/Atlantis", currency="UAH")
    assert caught.value.code == "unknown_timezone"
    with pytest.raises(InvalidValueError):
        Location(id="x", name="X", timezone="Europe/Kyiv", currency="hryvnia")


def test_opening_hours_are_wall_clock_times() -> None:
    with pytest.raises(InvalidValueError):
        OpeningInterval(time(9, tzinfo=UTC), time(18))


def test_one_exception_per_date() -> None:
    with pytest.raises(DuplicateIdError):
        WeeklySchedule({}, (ScheduleException(FRIDAY), ScheduleException(FRIDAY)))


def test_takes_orders_only_when_open() -> None:
    assert LocationStatus(LocationState.OPEN).takes_orders
    assert not LocationStatus(LocationState.PAUSED).takes_orders
    assert not LocationStatus(LocationState.CLOSED).takes_orders
