"""Busy mode, the hours' next opening and closing, and when a location next takes orders."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.events import LocationBusyChanged
from orderbridge.domain.locations import Busy, OpeningInterval, Weekday, WeeklySchedule

from .cafe import NOW, kyiv_location, weekdays_9_to_18

MONDAY_9 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # NOW is Sunday 12:00 in Kyiv


def test_busy_mode_holds_until_its_end_and_is_reported_in_every_state() -> None:
    location = kyiv_location(weekdays_9_to_18())
    until = NOW + timedelta(hours=2)
    assert location.set_busy(NOW, extra_minutes=20, until=until)
    assert location.status_at(NOW).busy == Busy(20, until)  # closed on Sunday, still busy
    assert location.status_at(until).busy is None
    assert isinstance(location.events[-1], LocationBusyChanged)


def test_the_same_busy_mode_twice_records_nothing() -> None:
    location = kyiv_location()
    assert location.set_busy(NOW, extra_minutes=15)
    assert not location.set_busy(NOW, extra_minutes=15)
    assert len(location.events) == 1


def test_expiring_busy_mode_is_a_stored_fact_with_an_event() -> None:
    location = kyiv_location()
    until = NOW + timedelta(minutes=30)
    location.set_busy(NOW, extra_minutes=10, until=until)
    assert not location.expire_busy(NOW)
    assert location.expire_busy(until + timedelta(seconds=1))
    assert location.busy_state is None
    event = location.events[-1]
    assert isinstance(event, LocationBusyChanged) and event.at == until and event.busy is None
    assert not location.end_busy(until)  # nothing left to end


@pytest.mark.parametrize("minutes", [0, 241])
def test_busy_minutes_are_bounded(minutes: int) -> None:
    with pytest.raises(InvalidValueError):
        kyiv_location().set_busy(NOW, extra_minutes=minutes)


def test_busy_mode_must_end_in_the_future() -> None:
    with pytest.raises(InvalidValueError) as refused:
        kyiv_location().set_busy(NOW, extra_minutes=10, until=NOW)
    assert refused.value.field == "until"


def test_next_open_and_close_follow_the_hours() -> None:
    location = kyiv_location(weekdays_9_to_18())
    assert location.next_open_at(NOW) == MONDAY_9
    assert location.next_close_at(NOW) == MONDAY_9 + timedelta(hours=9)
    during = MONDAY_9 + timedelta(hours=1)
    assert location.next_close_at(during) == MONDAY_9 + timedelta(hours=9)
    assert location.next_open_at(during) == MONDAY_9 + timedelta(days=1)
    assert kyiv_location().next_open_at(NOW) is None


def test_a_night_interval_closes_the_next_morning() -> None:
    nights = WeeklySchedule({Weekday.SUNDAY: (OpeningInterval(time(20), time(2)),)})
    location = kyiv_location(nights)
    closes = location.next_close_at(NOW)
    assert closes is not None
    assert closes.astimezone(location.zone).isoformat() == "2026-11-23T02:00:00+02:00"


def test_next_taking_orders_skips_closed_hours_and_pauses() -> None:
    location = kyiv_location(weekdays_9_to_18())
    assert location.next_taking_orders(NOW) == MONDAY_9
    location.pause(NOW, until=MONDAY_9 + timedelta(hours=1))
    assert location.next_taking_orders(NOW) == MONDAY_9 + timedelta(hours=1)
    location.pause(NOW)  # no end
    assert location.next_taking_orders(NOW) is None
