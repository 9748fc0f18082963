"""Locations with their status, and the published menu with its ETag."""

from __future__ import annotations

from fastapi.testclient import TestClient

from orderbridge.storage import admin
from tests.integration.support.api import error_of
from tests.integration.support.world import LOCATION, TENANT, World, announced
from tests.unit.domain import cafe

MENU = f"/api/v1/locations/{LOCATION}/menu"
STATUS = f"/api/v1/locations/{LOCATION}/status"


def test_the_menu_is_served_with_an_etag_and_304_when_unchanged(client: TestClient) -> None:
    first = client.get(MENU)
    assert first.status_code == 200
    menu = first.json()
    assert first.headers["etag"] == f'"{menu["version"]}"'
    assert menu["version"] == cafe.cafe_menu().version
    assert [c["id"] for c in menu["categories"]] == ["coffee", "food"]
    latte = menu["categories"][0]["items"][0]
    assert [v["price"] for v in latte["variants"]] == [6500, 8000]
    bacon = menu["categories"][1]["items"][0]["modifier_groups"][1]["modifiers"][1]
    assert (bacon["id"], bacon["available"]) == ("bacon", False)
    cached = client.get(MENU, headers={"If-None-Match": first.headers["etag"]})
    assert (cached.status_code, cached.content) == (304, b"")
    assert cached.headers["etag"] == first.headers["etag"]
    stale = client.get(MENU, headers={"If-None-Match": '"older", "oldest"'})
    assert stale.status_code == 200


def test_a_changed_menu_has_a_new_etag(client: TestClient, world: World) -> None:
    etag = client.get(MENU).headers["etag"]
    with world.hub.uow() as tx:
        tx.save_menu(cafe.cafe_menu(food=(cafe.croissant(),)), source_connection_id=None)
        tx.commit()
    fresh = client.get(MENU, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] != etag


def test_a_location_without_a_menu_says_so(client: TestClient, world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        admin.create_location(
            session,
            TENANT,
            name="New",
            timezone="Europe/Kyiv",
            currency="UAH",
            location_id="new",
        )
    answer = client.get("/api/v1/locations/new/menu")
    assert error_of(answer) == (404, "menu_not_published", "location_id")


def test_pause_until_a_time_then_resume_is_announced(
    admin_client: TestClient, world: World
) -> None:
    client = admin_client
    until = "2026-11-22T15:00:00+02:00"
    paused = client.post(STATUS, json={"action": "pause", "until": until, "reason": "full"})
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert paused.json()["paused_until"] == "2026-11-22T13:00:00Z"
    listed = client.get("/api/v1/locations").json()["locations"]
    assert listed[0]["status"] == "paused"
    assert client.post(STATUS, json={"action": "resume"}).json()["status"] == "open"
    again = client.post(STATUS, json={"action": "resume"})  # nothing to resume: no news
    assert again.json()["status"] == "open"
    assert announced(world.hub) == ["location.status_changed", "location.status_changed"]


def test_bad_status_changes_are_422(admin_client: TestClient) -> None:
    client = admin_client
    past = client.post(STATUS, json={"action": "pause", "until": "2026-11-22T09:00:00+00:00"})
    assert error_of(past)[0::2] == (422, "until")
    assert error_of(client.post(STATUS, json={"action": "close"}))[:2] == (422, "invalid_value")
    with_until = client.post(STATUS, json={"action": "resume", "reason": "x"})
    assert error_of(with_until)[:2] == (422, "invalid_value")


def test_a_location_closed_by_its_schedule_says_when_it_opens(
    client: TestClient, world: World
) -> None:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        record.location.set_schedule(cafe.weekdays_9_to_18(), world.clock())
        tx.save_location(record.location)
        tx.commit()
    location = client.get(f"/api/v1/locations/{LOCATION}").json()
    assert location["status"] == "closed"
    assert location["opens_at"].startswith("2026-11-23T09:00:00")
