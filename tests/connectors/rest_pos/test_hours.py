"""Opening hours as a POS keeps them → a location's weekly schedule, as [schedule] says:
flat (one record per interval) or nested (a day's slots), named or numbered weekdays."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from orderbridge.connectors.rest_pos import hours
from orderbridge.connectors.rest_pos.loading import load_text, shipped_text
from orderbridge.domain.locations import OpeningInterval, Weekday
from orderbridge.ports import PermanentError
from tests.connectors.rest_pos.test_manifest import KIOSKO, problems

SANDBOX = load_text(shipped_text("sandbox"))
NESTED = load_text(KIOSKO)
SANDBOX_TEXT = shipped_text("sandbox")


def flat(*rows: tuple[str, str, str]) -> dict[str, Any]:
    return {"openingHours": [{"day": d, "opens": o, "closes": c} for d, o, c in rows]}


def test_one_record_per_interval_reads_every_day_and_leaves_the_rest_off() -> None:
    found = hours.schedule(
        SANDBOX,
        flat(("MON", "17:00", "23:00"), ("MON", "09:00", "14:00"), ("sat", "18:00", "02:00")),
    )
    assert dict(found.hours) == {
        Weekday.MONDAY: (
            OpeningInterval(time(9), time(14)),
            OpeningInterval(time(17), time(23)),
        ),
        Weekday.SATURDAY: (OpeningInterval(time(18), time(2)),),
    }


@pytest.mark.parametrize("day", ["Tuesday", "tue", "TUE", "2"])
def test_weekdays_are_understood_by_english_name_or_iso_number(day: str) -> None:
    found = hours.schedule(SANDBOX, flat((day, "09:00", "18:00")))
    assert list(found.hours) == [Weekday.TUESDAY]


def test_midnight_may_be_written_24_00_and_seconds_are_kept() -> None:
    found = hours.schedule(SANDBOX, flat(("FRI", "18:00:30", "24:00")))
    [interval] = found.hours[Weekday.FRIDAY]
    assert interval == OpeningInterval(time(18, 0, 30), time(0)) and interval.overnight


def test_nested_slots_and_a_days_map_read_a_different_pos() -> None:
    answer = {
        "data": [
            {"id": "0", "attributes": {"weekday": 0, "slots": [{"from": "10:00", "to": "16:00"}]}},
            {"id": "1", "attributes": {"weekday": 1, "slots": []}},
            {"id": "5", "attributes": {"weekday": 5, "slots": [{"from": "08:00", "to": "12:00"}]}},
        ]
    }
    found = hours.schedule(NESTED, answer)
    assert dict(found.hours) == {
        Weekday.SUNDAY: (OpeningInterval(time(10), time(16)),),
        Weekday.FRIDAY: (OpeningInterval(time(8), time(12)),),
    }


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (flat(("Funday", "09:00", "18:00")), "'Funday' at day, not a weekday"),
        (flat(("MON", "9am", "18:00")), "'9am' at opens, not a time of day"),
        (flat(("MON", "09:00", "24:30")), "'24:30' at closes"),
        ({"openingHours": [{"day": "MON", "opens": "09:00"}]}, "without closes"),
    ],
)
def test_hours_the_hub_cannot_read_fail_permanently_naming_the_path(
    answer: dict[str, Any], message: str
) -> None:
    with pytest.raises(PermanentError) as caught:
        hours.schedule(SANDBOX, answer)
    assert caught.value.code == "unexpected_response"
    assert "answer to schedule" in caught.value.reason and message in caught.value.reason


def test_a_weekday_the_days_map_does_not_list_is_refused() -> None:
    answer = {"data": [{"id": "x", "attributes": {"weekday": 7, "slots": []}}]}
    with pytest.raises(PermanentError) as caught:
        hours.schedule(NESTED, answer)
    assert "[schedule.days] does not map" in caught.value.reason


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[services.schedule]", "[services.schedulex]"), "services.schedulex"),
        (('opens = "opens"\n', ""), "give opens and closes"),
        (('day = "day"', 'day = "day[?x]"'), "schedule.day"),
        (('day = "day"', 'day = "day"\ndays = { "1" = "funday" }'), "schedule.days.1: 'funday'"),
        (("[schedule]", "[schedule.intervals]"), "schedule.intervals.day: unknown key"),
    ],
)
def test_schedule_mistakes_are_refused(change: tuple[str, str], message: str) -> None:
    assert any(message in p for p in problems(SANDBOX_TEXT.replace(*change, 1)))


def test_an_hours_webhook_needs_a_schedule_service() -> None:
    text = SANDBOX_TEXT.replace("[services.schedule]", "[services.menu_items]", 1)
    found = problems(text)
    assert any("schedule_changed needs services.schedule" in p for p in found)
