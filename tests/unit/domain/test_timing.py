"""When an order is wanted and when the hub sends it (``domain.timing``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orderbridge.domain.locations import LocationState
from orderbridge.domain.timing import (
    TimePlan,
    TimeProblem,
    TimingSettings,
    check_reservation_time,
    plan_order_time,
    promised_time,
)

from .cafe import NOW, kyiv_location, weekdays_9_to_18

SETTINGS = TimingSettings()  # 30 min lead, 20 min preparation
MONDAY_9 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 09:00 in Kyiv; NOW is Sunday noon


def _plan(location_schedule: bool, requested: datetime | None) -> TimePlan | TimeProblem:
    location = kyiv_location(weekdays_9_to_18() if location_schedule else None)
    return plan_order_time(location, requested, now=NOW, settings=SETTINGS)


def test_as_soon_as_possible_goes_now_and_is_judged_now() -> None:
    plan = _plan(False, None)
    assert isinstance(plan, TimePlan)
    assert (plan.release_at, plan.status.state) == (None, LocationState.OPEN)
    assert plan.promised_at == NOW + timedelta(minutes=20)


def test_a_time_within_the_lead_time_goes_now() -> None:
    plan = _plan(False, NOW + timedelta(minutes=25))
    assert isinstance(plan, TimePlan) and not plan.scheduled


def test_a_later_time_is_held_until_time_minus_lead_time() -> None:
    plan = _plan(False, NOW + timedelta(hours=3))
    assert isinstance(plan, TimePlan)
    assert plan.release_at == NOW + timedelta(hours=2, minutes=30)
    assert plan.promised_at == NOW + timedelta(hours=3)


def test_tomorrows_breakfast_is_taken_while_closed_and_sent_at_opening() -> None:
    """Sunday, closed: a pickup at 09:15 Monday is sent when the store opens at 09:00."""
    plan = _plan(True, MONDAY_9 + timedelta(minutes=15))
    assert isinstance(plan, TimePlan)
    assert plan.release_at == MONDAY_9
    assert plan.status.state is LocationState.OPEN
    later = _plan(True, MONDAY_9 + timedelta(hours=2))
    assert isinstance(later, TimePlan) and later.release_at == MONDAY_9 + timedelta(minutes=90)


def test_a_past_time_is_refused_with_the_next_open_slot() -> None:
    problem = _plan(True, datetime(2020, 1, 1, 12, tzinfo=UTC))
    assert isinstance(problem, TimeProblem)
    assert "has passed" in problem.message
    assert "the next open slot is 2026-11-23T09:00+02:00" in problem.message


def test_a_time_outside_the_hours_is_refused_with_the_next_opening_after_it() -> None:
    problem = _plan(True, MONDAY_9 + timedelta(hours=10))  # Monday 19:00 local
    assert isinstance(problem, TimeProblem)
    assert "2026-11-23 19:00 is outside the opening hours" in problem.message
    assert "2026-11-24T09:00+02:00" in problem.message


def test_a_minute_of_clock_skew_is_not_the_past() -> None:
    assert isinstance(_plan(False, NOW - timedelta(seconds=30)), TimePlan)


def test_more_than_two_weeks_ahead_is_refused() -> None:
    assert isinstance(_plan(False, NOW + timedelta(days=15)), TimeProblem)


def test_an_open_ended_pause_refuses_even_a_later_time() -> None:
    location = kyiv_location()
    location.pause(NOW, reason="flooded kitchen")
    plan = plan_order_time(location, NOW + timedelta(hours=3), now=NOW, settings=SETTINGS)
    assert isinstance(plan, TimePlan)
    assert (plan.release_at, plan.status.state) == (None, LocationState.PAUSED)


def test_a_pause_ending_before_the_release_lets_a_scheduled_order_in() -> None:
    location = kyiv_location()
    location.pause(NOW, until=NOW + timedelta(hours=1))
    plan = plan_order_time(location, NOW + timedelta(hours=3), now=NOW, settings=SETTINGS)
    assert isinstance(plan, TimePlan)
    assert plan.release_at == NOW + timedelta(hours=2, minutes=30)


def test_busy_mode_moves_the_promised_time() -> None:
    location = kyiv_location()
    location.set_busy(NOW, extra_minutes=25)
    assert promised_time(location, None, now=NOW, settings=SETTINGS) == NOW + timedelta(minutes=45)
    wanted = NOW + timedelta(minutes=30)
    assert promised_time(location, wanted, now=NOW, settings=SETTINGS) == NOW + timedelta(
        minutes=45
    )
    far = NOW + timedelta(hours=2)
    assert promised_time(location, far, now=NOW, settings=SETTINGS) == far


def test_a_table_is_booked_within_the_hours_and_not_in_the_past() -> None:
    location = kyiv_location(weekdays_9_to_18())
    assert check_reservation_time(location, MONDAY_9 + timedelta(hours=3), now=NOW) is None
    sunday = check_reservation_time(location, NOW + timedelta(hours=1), now=NOW)
    assert sunday is not None and "2026-11-23T09:00+02:00" in sunday.message
    past = check_reservation_time(location, NOW - timedelta(hours=1), now=NOW)
    assert past is not None and "has passed" in past.message
    # A pause stops orders, not bookings.
    open_all_day = kyiv_location()
    open_all_day.pause(NOW)
    assert check_reservation_time(open_all_day, NOW + timedelta(hours=1), now=NOW) is None
