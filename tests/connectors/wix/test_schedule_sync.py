"""Opening hours and preparation time pushed to the Wix sandbox and read back."""

from __future__ import annotations

from datetime import date, time

import pytest

from orderbridge.domain.locations import (
    Busy,
    LocationState,
    LocationStatus,
    OpeningInterval,
    ScheduleException,
    Weekday,
    WeeklySchedule,
)
from orderbridge.sandboxes.wix.seed import OPERATION_ID, PICKUP_METHOD_ID
from tests.connectors.wix.support import connector, new_sandbox

pytestmark = pytest.mark.anyio

KYIV = "Europe/Kyiv"


def _i(opens: str, closes: str) -> OpeningInterval:
    return OpeningInterval(time.fromisoformat(opens), time.fromisoformat(closes))


def _schedule(*exceptions: ScheduleException) -> WeeklySchedule:
    weekdays = {day: [_i("10:00", "19:00")] for day in list(Weekday)[:5]}
    return WeeklySchedule(hours=weekdays, exceptions=exceptions)


async def test_hours_reach_the_pickup_method_once_and_holidays_become_closures() -> None:
    sandbox = new_sandbox()  # its clock: 2025-11-03
    wix = connector(sandbox)
    holiday = ScheduleException(date(2025, 12, 31), (), "New Year's Eve")
    pushed = await wix.push_hours(_schedule(holiday), timezone=KYIV)
    assert pushed.as_dict() == {"methods_updated": 1, "closures_created": 1, "closures_deleted": 0}
    method = sandbox.world.fulfillment_methods[PICKUP_METHOD_ID]
    times = method["availability"]["availableTimes"]
    assert [t["dayOfWeek"] for t in times] == ["MON", "TUE", "WED", "THU", "FRI"]
    assert times[0]["timeRanges"] == [
        {"startTime": {"hours": 10, "minutes": 0}, "endTime": {"hours": 19, "minutes": 0}}
    ]
    [closure] = sandbox.world.availability_exceptions.values()
    assert closure["name"] == "orderbridge: New Year's Eve"
    assert (closure["startTime"], closure["endTime"]) == (
        "2025-12-31T08:00:00.000Z",
        "2025-12-31T17:00:00.000Z",
    )
    assert closure["operationId"] == OPERATION_ID

    revision = method["revision"]
    again = await wix.push_hours(_schedule(holiday), timezone=KYIV)
    assert again.as_dict() == {"methods_updated": 0, "closures_created": 0, "closures_deleted": 0}
    assert sandbox.world.fulfillment_methods[PICKUP_METHOD_ID]["revision"] == revision

    renamed = ScheduleException(date(2025, 12, 31), (), "inventory")
    moved = await wix.push_hours(_schedule(renamed), timezone=KYIV)
    assert (moved.closures_created, moved.closures_deleted) == (1, 1)
    [closure] = sandbox.world.availability_exceptions.values()
    assert closure["name"] == "orderbridge: inventory"


async def test_the_restaurant_s_own_closures_stay_and_ours_go_with_the_hours() -> None:
    sandbox = new_sandbox()
    wix = connector(sandbox)
    await wix.client.create_availability_exception(
        {
            "startTime": "2025-12-24T10:00:00Z",
            "endTime": "2025-12-24T20:00:00Z",
            "name": "Christmas Eve (set in Wix)",
            "operationId": OPERATION_ID,
        }
    )
    moved = ScheduleException(date(2026, 1, 2), (_i("10:00", "14:00"),))
    await wix.push_hours(_schedule(ScheduleException(date(2026, 1, 1))), timezone=KYIV)
    pushed = await wix.push_hours(_schedule(moved), timezone=KYIV)
    assert (pushed.closures_created, pushed.closures_deleted) == (1, 1)
    names = sorted(e["name"] for e in sandbox.world.availability_exceptions.values())
    assert names == ["Christmas Eve (set in Wix)", "orderbridge: closed"]

    cleared = await wix.push_hours(None, timezone=KYIV)
    assert cleared.as_dict() == {"methods_updated": 0, "closures_created": 0, "closures_deleted": 1}
    [left] = sandbox.world.availability_exceptions.values()
    assert left["name"] == "Christmas Eve (set in Wix)"
    # Without hours in the hub, Wix keeps the weekly hours it has.
    assert (
        len(sandbox.world.fulfillment_methods[PICKUP_METHOD_ID]["availability"]["availableTimes"])
        == 5
    )


async def test_busy_minutes_ride_on_the_status_update_and_are_read_back() -> None:
    sandbox = new_sandbox()
    wix = connector(sandbox)
    busy = LocationStatus(LocationState.OPEN, busy=Busy(extra_minutes=25))
    assert await wix.set_operation_status(busy, prep_minutes=45) == "ENABLED"
    operation = sandbox.world.operations[OPERATION_ID]
    assert operation.order_scheduling["asapOptions"]["maxOptions"]["duration"] == 45
    revision = operation.revision

    # Closed by the hours with the same minutes: nothing to tell Wix.
    closed = LocationStatus(LocationState.CLOSED)
    assert await wix.set_operation_status(closed, prep_minutes=45) is None
    assert sandbox.world.operations[OPERATION_ID].revision == revision
    # Closed, busy mode over: only the minutes change.
    assert await wix.set_operation_status(closed, prep_minutes=20) is None
    operation = sandbox.world.operations[OPERATION_ID]
    assert operation.order_scheduling["asapOptions"]["maxOptions"]["duration"] == 20
    assert operation.revision == revision + 1
