"""The Locations page's hours text: read into the API's schedule and written back the
same, with each problem pointing at its box."""

from __future__ import annotations

import pytest

from orderbridge.domain.locations import WeeklySchedule
from orderbridge.web.dashboard.hours_form import HoursProblem, HoursText, hours_text, read_hours

TYPED = HoursText(
    weekly={
        "monday": "09:00-14:00, 15:00-22:00",
        "friday": "18:00-02:00",
        "saturday": "closed",
    },
    exceptions="2026-12-31 closed New Year's Eve\n\n2027-01-07 10:00-16:00 short day",
)


def test_typed_hours_round_trip_through_the_schedule() -> None:
    schedule = read_hours(TYPED)
    assert isinstance(schedule, WeeklySchedule)
    shown = hours_text(schedule)
    assert shown.weekly["monday"] == "09:00-14:00, 15:00-22:00"
    assert shown.weekly["friday"] == "18:00-02:00"
    assert shown.weekly["saturday"] == shown.weekly["sunday"] == ""
    assert shown.exceptions == (
        "2026-12-31 closed New Year's Eve\n2027-01-07 10:00-16:00 short day"
    )
    assert read_hours(shown) == schedule


def test_loose_spelling_is_read() -> None:
    schedule = read_hours(HoursText(weekly={"monday": " 9:00 – 18:00 ;"}))
    assert isinstance(schedule, WeeklySchedule)
    assert hours_text(schedule).weekly["monday"] == "09:00-18:00"


def test_no_hours_is_empty_boxes() -> None:
    assert hours_text(None) == HoursText()


@pytest.mark.parametrize(
    ("typed", "field", "box", "label"),
    [
        (HoursText(weekly={"friday": "10-14"}), "weekly.friday", "friday", "friday"),
        (
            HoursText(weekly={"sunday": "22:00-03:00", "monday": "02:00-05:00"}),
            "weekly.monday[0]",
            "monday",
            "monday",
        ),
        (
            HoursText(exceptions="2026-12-31 closed\n2027-13-01 closed"),
            "exceptions[1].date",
            "exceptions",
            "exceptions, line 2",
        ),
        (HoursText(exceptions="2026-12-31"), "exceptions[0]", "exceptions", "exceptions, line 1"),
    ],
)
def test_each_problem_names_its_field_and_box(
    typed: HoursText, field: str, box: str, label: str
) -> None:
    problem = read_hours(typed)
    assert isinstance(problem, HoursProblem)
    assert (problem.field, problem.box, problem.label) == (field, box, label)
