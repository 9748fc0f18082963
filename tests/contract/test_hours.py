"""Opening hours, where the POS keeps them: set at the POS, told by webhook, read back."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from orderbridge.domain.locations import OpeningInterval, Weekday, WeeklySchedule
from tests.contract.support import Driver, Hours, read

pytestmark = pytest.mark.anyio
# Two shifts on Monday, a Saturday past midnight, Sunday off.
HOURS: Hours = {
    Weekday.MONDAY: [("17:00", "23:00"), ("09:00", "14:00")],
    Weekday.TUESDAY: [("09:00", "22:00")],
    Weekday.SATURDAY: [("18:00", "02:00")],
}
EXPECTED = WeeklySchedule(
    hours={
        Weekday.MONDAY: (
            OpeningInterval(time(9), time(14)),
            OpeningInterval(time(17), time(23)),
        ),
        Weekday.TUESDAY: (OpeningInterval(time(9), time(22)),),
        Weekday.SATURDAY: (OpeningInterval(time(18), time(2)),),
    }
)


async def test_hours_set_at_the_pos_come_back_as_a_hint_and_read_as_the_hub_s(
    pos: Driver,
) -> None:
    if not pos.connector.capabilities.opening_hours:
        assert await pos.connector.fetch_schedule(location=pos.location) is None
        return
    pos.hook.clear()
    await pos.change_hours(HOURS)
    await pos.settle()
    events = [
        e
        for headers, body in pos.hook.received
        for e in read(pos.connection, headers, body, datetime.now(UTC))
        if e.job_kind is not None
    ]
    hinted = [e.payload for e in events if e.payload.get("means") == "schedule_changed"]
    assert hinted, f"{pos.name} sent no hours webhook the hub acts on"
    assert all(p.get("location") in (None, pos.location.external_id) for p in hinted)
    assert await pos.connector.fetch_schedule(location=pos.location) == EXPECTED


async def test_a_pos_that_keeps_hours_says_so_in_its_capabilities(pos: Driver) -> None:
    """Poster has no opening hours in its API; both REST POS manifests declare them."""
    assert pos.connector.capabilities.opening_hours is (pos.name != "poster")
