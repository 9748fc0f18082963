"""Locations, schedules and pauses survive a JSON column unchanged; corrupt ones fail clearly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from orderbridge.domain.locations import (
    Location,
    LocationState,
    OpeningInterval,
    Pause,
    Weekday,
    WeeklySchedule,
)
from orderbridge.storage.codec import (
    location_from_json,
    location_to_json,
    pause_from_json,
    pause_to_json,
    schedule_from_json,
    schedule_to_json,
)

from .samples import KYIV, bar_schedule, podil

FRIDAY = date(2026, 11, 20)
PAUSE = Pause(reason="Кухня перевантажена", until=datetime(2026, 11, 20, 14, 0, tzinfo=KYIV))


def through_text(document: Any) -> Any:
    """What a JSON column gives back."""
    return json.loads(json.dumps(document, ensure_ascii=False))


def snapshot(location: Location) -> tuple[object, ...]:
    """Everything a location stores, for comparing two of them (Location has no ``==``)."""
    return (
        location.id,
        location.name,
        location.timezone,
        location.currency,
        location.schedule,
        location.pause_state,
    )


@pytest.mark.parametrize(
    "schedule",
    [
        bar_schedule(),
        WeeklySchedule({}),
        WeeklySchedule({Weekday.MONDAY: (OpeningInterval(time(9, 15, 30), time(18)),)}),
    ],
    ids=["overnight-with-exceptions", "always-closed", "seconds"],
)
def test_schedule_round_trips(schedule: WeeklySchedule) -> None:
    assert schedule_from_json(through_text(schedule_to_json(schedule))) == schedule


def test_no_schedule_stays_none() -> None:
    assert schedule_to_json(None) is None
    assert schedule_from_json(None) is None


def test_decoded_schedule_still_opens_past_midnight_and_honours_exceptions() -> None:
    decoded = schedule_from_json(through_text(schedule_to_json(bar_schedule())))
    assert decoded is not None
    saturday_night = datetime(2026, 11, 21, 1, 30, tzinfo=KYIV)
    assert decoded.is_open_at(saturday_night)  # Friday's 08:00–02:00 runs on
    assert decoded.is_open_at(datetime(2026, 11, 22, 4, 0, tzinfo=KYIV))  # Sunday is 24 h
    assert not decoded.is_open_at(datetime(2027, 1, 1, 12, 0, tzinfo=KYIV))  # holiday
    assert decoded.intervals_on(date(2026, 12, 31)) == (OpeningInterval(time(8), time(16)),)


def test_schedule_document_names_weekdays_in_week_order() -> None:
    document = schedule_to_json(bar_schedule())
    assert document is not None
    assert list(document["hours"]) == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    assert document["hours"]["friday"] == [{"opens": "08:00:00", "closes": "02:00:00"}]
    assert document["hours"]["monday"] == []
    assert document["exceptions"][1] == {
        "day": "2027-01-01",
        "intervals": [],
        "reason": "Новий рік",
    }


@pytest.mark.parametrize(
    "location",
    [
        podil(schedule=bar_schedule(), pause=PAUSE),
        podil(pause=Pause()),
        podil(),
    ],
    ids=["schedule-and-timed-pause", "indefinite-pause", "always-open"],
)
def test_location_round_trips(location: Location) -> None:
    decoded = location_from_json(through_text(location_to_json(location)))
    assert snapshot(decoded) == snapshot(location)
    assert decoded.events == []


def test_decoded_location_reports_the_same_status() -> None:
    location = podil(schedule=bar_schedule(), pause=PAUSE)
    decoded = location_from_json(through_text(location_to_json(location)))
    for moment in (
        datetime(2026, 11, 20, 10, 0, tzinfo=UTC),  # paused, 12:00 in Kyiv
        datetime(2026, 11, 20, 13, 0, tzinfo=UTC),  # pause over
        datetime(2026, 11, 23, 10, 0, tzinfo=UTC),  # Monday, closed
    ):
        assert decoded.status_at(moment) == location.status_at(moment)
    assert (
        decoded.status_at(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)).state is LocationState.PAUSED
    )


def test_pause_round_trips_on_its_own() -> None:
    document = pause_to_json(PAUSE)
    assert document == {"reason": "Кухня перевантажена", "until": "2026-11-20T14:00:00+02:00"}
    assert pause_from_json(through_text(document)) == PAUSE
    assert pause_from_json(pause_to_json(Pause())) == Pause()
    assert pause_to_json(None) is None
    assert pause_from_json(None) is None


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda d: d.update(timezone="Europe/Kiev-ish"), r"^location: unknown timezone"),
        (lambda d: d.update(currency="hryvnia"), r"^location: currency must be an ISO 4217"),
        (lambda d: d.pop("name"), r"^location\.name: missing$"),
        (
            lambda d: d["schedule"]["hours"].update(funday=[]),
            r"location\.schedule\.hours\.funday: not a weekday name",
        ),
        (
            lambda d: d["schedule"]["hours"]["friday"][0].update(opens="6pm"),
            r"hours\.friday\[0\]\.opens: not an ISO time: '6pm'",
        ),
        (
            lambda d: d["schedule"]["hours"]["friday"][0].update(closes="02:00+02:00"),
            r"hours\.friday\[0\]\.closes: opening hours are local times",
        ),
        (
            lambda d: d["schedule"]["exceptions"][0].update(day="31.12.2026"),
            r"exceptions\[0\]\.day: not an ISO date",
        ),
        (
            lambda d: d["schedule"]["exceptions"].append(d["schedule"]["exceptions"][0]),
            r"^location\.schedule: two schedule exceptions for 2026-12-31$",
        ),
        (
            lambda d: d["schedule"].update(hours=[]),
            r"location\.schedule\.hours: expected an object, got array",
        ),
        (
            lambda d: d["pause"].update(until="tomorrow"),
            r"location\.pause\.until: not an ISO-8601 datetime",
        ),
    ],
)
def test_corrupt_location_raises_value_error_naming_the_field(corrupt: Any, message: str) -> None:
    document = location_to_json(podil(schedule=bar_schedule(), pause=PAUSE))
    corrupt(document)
    with pytest.raises(ValueError, match=message):
        location_from_json(document)
