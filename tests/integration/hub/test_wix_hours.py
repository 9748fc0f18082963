"""Opening hours, busy mode and the preparation time set through the admin API reach
the Wix operation (the sandbox, in-process) through ``channel.location_status`` jobs;
on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import OPERATION_ID, PICKUP_METHOD_ID
from orderbridge.services.locations import LOCATION_STATUS
from tests.integration.support.api import bearer
from tests.integration.support.wix import build_wix_world, run_jobs
from tests.integration.support.world import LOCATION, World, jobs
from tests.sandboxes.wix.support import NOW, fresh_world

ADMIN = f"/api/v1/admin/locations/{LOCATION}"


@dataclass
class Site:
    """The hub's world and the Wix sandbox it talks to."""

    world: World
    wix: WixSandbox


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    wix = WixSandbox(fresh_world(), clock=lambda: NOW)
    world = build_wix_world(db_url, wix)
    yield Site(world, wix)
    world.close()


@pytest.fixture
def world(site: Site) -> World:
    return site.world


@pytest.fixture
def sandbox(site: Site) -> WixSandbox:
    return site.wix


@pytest.fixture
def admin(world: World) -> TestClient:
    return TestClient(world.hub.app(), headers=bearer(world.admin_key))


def _prep(sandbox: WixSandbox) -> Any:
    scheduling = sandbox.world.operations[OPERATION_ID].order_scheduling
    return scheduling["asapOptions"]["maxOptions"]["duration"]


def test_hours_and_a_holiday_reach_the_wix_operation(
    admin: TestClient, world: World, sandbox: WixSandbox
) -> None:
    weekdays = {
        day: [{"opens": "09:00", "closes": "18:00"}]
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    }
    body = {
        "weekly": weekdays,
        "exceptions": [{"date": "2026-12-31", "intervals": [], "reason": "New Year's Eve"}],
    }
    assert admin.put(f"{ADMIN}/hours", json=body).status_code == 200
    run_jobs(world)
    method = sandbox.world.fulfillment_methods[PICKUP_METHOD_ID]
    times = method["availability"]["availableTimes"]
    assert [t["dayOfWeek"] for t in times] == ["MON", "TUE", "WED", "THU", "FRI"]
    assert times[4]["timeRanges"] == [
        {"startTime": {"hours": 9, "minutes": 0}, "endTime": {"hours": 18, "minutes": 0}}
    ]
    [closure] = sandbox.world.availability_exceptions.values()
    assert closure["name"] == "orderbridge: New Year's Eve"
    assert closure["startTime"] == "2026-12-31T07:00:00.000Z"  # 09:00 in Kyiv
    [job] = jobs(world.hub, LOCATION_STATUS)
    assert job.result is not None and job.result["closures_created"] == 1

    assert admin.delete(f"{ADMIN}/hours").status_code == 200
    run_jobs(world)
    assert sandbox.world.availability_exceptions == {}


def test_busy_minutes_and_a_new_preparation_time_reach_wix(
    admin: TestClient, world: World, sandbox: WixSandbox
) -> None:
    assert _prep(sandbox) == 20
    assert admin.post(f"{ADMIN}/busy", json={"extra_minutes": 25}).status_code == 200
    run_jobs(world)
    assert _prep(sandbox) == 45
    assert admin.delete(f"{ADMIN}/busy").status_code == 200
    run_jobs(world)
    assert _prep(sandbox) == 20

    queued = len(jobs(world.hub, LOCATION_STATUS))
    assert admin.patch(f"{ADMIN}/ordering", json={"lead_time_minutes": 40}).status_code == 200
    assert len(jobs(world.hub, LOCATION_STATUS)) == queued  # nothing Wix shows changed
    assert admin.patch(f"{ADMIN}/ordering", json={"prep_time_minutes": 30}).status_code == 200
    assert len(jobs(world.hub, LOCATION_STATUS)) == queued + 1
    run_jobs(world)
    assert _prep(sandbox) == 30
