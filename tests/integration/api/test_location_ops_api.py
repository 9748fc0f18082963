"""The admin API for hours, busy mode, snoozes and ordering options, and what
storefronts then see in ``GET /api/v1/locations`` and the menu."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderbridge.messaging.tables import OutboxJob
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import LOCATION, OTHER_LOCATION, World, count, jobs

ADMIN = f"/api/v1/admin/locations/{LOCATION}"
WEEKDAYS = {
    day: [{"opens": "09:00", "closes": "18:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


@pytest.fixture
def admin(world: World) -> TestClient:
    return TestClient(world.hub.app(), headers=bearer(world.admin_key))


def _status_events(world: World) -> list[dict[str, Any]]:
    return [
        job.payload["message"]["data"]
        for job in jobs(world.hub, "webhook.deliver")
        if job.payload["message"]["type"] == "location.status_changed"
    ]


def test_hours_are_set_read_back_and_shown_to_storefronts(
    admin: TestClient, client: TestClient, world: World
) -> None:
    body = {
        "weekly": {**WEEKDAYS, "saturday": [{"opens": "18:00", "closes": "02:00"}]},
        "exceptions": [{"date": "2026-12-31", "intervals": [], "reason": "New Year's Eve"}],
    }
    answer = admin.put(f"{ADMIN}/hours", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "closed"  # Sunday noon
    read = admin.get(f"{ADMIN}/hours").json()
    assert read["weekly"]["monday"] == [{"opens": "09:00", "closes": "18:00"}]
    assert read["weekly"]["sunday"] == []
    assert read["exceptions"] == body["exceptions"]

    [location] = client.get("/api/v1/locations").json()["locations"]
    assert location["hours"] == read
    assert location["next_open_at"] == "2026-11-23T09:00:00+02:00"  # the location's time
    assert location["next_close_at"] == "2026-11-23T18:00:00+02:00"
    assert [e["status"] for e in _status_events(world)] == ["closed"]
    assert _status_events(world)[0]["next_open_at"] == "2026-11-23T09:00:00+02:00"

    assert admin.delete(f"{ADMIN}/hours").json()["status"] == "open"
    assert admin.get(f"{ADMIN}/hours").json() is None


def _h(opens: str, closes: str) -> dict[str, str]:
    return {"opens": opens, "closes": closes}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weekly": {"monday": [_h("09:00", "14:00"), _h("13:00", "20:00")]}}, "weekly.monday[1]"),
        (
            {"weekly": {"friday": [_h("20:00", "03:00")], "saturday": [_h("02:00", "04:00")]}},
            "weekly.saturday[0]",
        ),
        (
            {"weekly": {}, "exceptions": [{"date": "2026-12-31"}, {"date": "2026-12-31"}]},
            "exceptions[1].date",
        ),
        ({"weekly": {"monday": [_h("9am", "18:00")]}}, "weekly.monday[0].opens"),
        ({"weekly": {"funday": []}}, "weekly.funday"),
        # A number is not a date (pydantic would read 0 as 1970-01-01; schemathesis found it).
        ({"weekly": {}, "exceptions": [{"date": 0}]}, "exceptions[0].date"),
        ({"weekly": {}, "exceptions": [{"date": "0"}]}, "exceptions[0].date"),
    ],
)
def test_bad_hours_answer_422_with_the_field_and_change_nothing(
    admin: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    jobs_before = count(world.hub, OutboxJob)
    status, code, at = error_of(admin.put(f"{ADMIN}/hours", json=body))
    assert (status, at) == (422, field)
    assert code in (
        "invalid_hours",
        "invalid_value",
        "invalid_format",
        "invalid_type",
        "unknown_field",
    )
    assert admin.get(f"{ADMIN}/hours").json() is None
    assert count(world.hub, OutboxJob) == jobs_before


def test_busy_mode_is_shown_and_ended(admin: TestClient, client: TestClient, world: World) -> None:
    answer = admin.post(
        f"{ADMIN}/busy", json={"extra_minutes": 20, "until": "2026-11-22T13:30:00+02:00"}
    )
    assert answer.status_code == 200, answer.text
    location = client.get(f"/api/v1/locations/{LOCATION}").json()
    assert location["busy"] == {
        "extra_minutes": 20,
        "until": "2026-11-22T11:30:00Z",
        "source": "manual",
    }
    assert location["prep_minutes"] == 40  # 20 of preparation + 20 busy
    assert admin.delete(f"{ADMIN}/busy").json()["busy"] is None
    assert client.get(f"/api/v1/locations/{LOCATION}").json()["busy"] is None
    assert [e["busy"] is None for e in _status_events(world)] == [False, True]
    [expiry] = jobs(world.hub, "location.expire")
    assert expiry.run_after.isoformat() == "2026-11-22T11:30:00+00:00"


def test_busy_mode_in_the_past_is_refused(admin: TestClient) -> None:
    past = {"extra_minutes": 20, "until": "2026-11-22T11:00:00+02:00"}
    assert error_of(admin.post(f"{ADMIN}/busy", json=past)) == (422, "invalid_value", "until")
    assert error_of(admin.post(f"{ADMIN}/busy", json={"extra_minutes": 0}))[2] == "extra_minutes"


def test_snoozes_are_listed_with_time_left_and_shown_on_the_menu(
    admin: TestClient, client: TestClient, world: World
) -> None:
    body = {
        "item_ids": ["croissant"],
        "modifier_ids": ["vanilla"],
        "until": "2026-11-22T13:00:00+02:00",
        "reason": "oven",
    }
    created = admin.post(f"{ADMIN}/snoozes", json=body)
    assert created.status_code == 201, created.text
    snoozes = sorted(admin.get(f"{ADMIN}/snoozes").json()["snoozes"], key=lambda s: s["target"])
    assert [(s["target"], s["target_id"], s["name"], s["remaining_seconds"]) for s in snoozes] == [
        ("item", "croissant", "Круасан", 3600),
        ("modifier", "vanilla", "Ваніль", 3600),
    ]
    menu = client.get(f"/api/v1/locations/{LOCATION}/menu").json()
    items = {i["id"]: i for c in menu["categories"] for i in c["items"]}
    assert items["croissant"]["available"] is False
    vanilla = items["latte"]["modifier_groups"][0]["modifiers"][0]
    assert (vanilla["id"], vanilla["available"]) == ("vanilla", False)

    assert admin.delete(f"{ADMIN}/snoozes/{snoozes[0]['id']}").status_code == 204
    assert [s["target_id"] for s in admin.get(f"{ADMIN}/snoozes").json()["snoozes"]] == ["vanilla"]
    assert error_of(admin.delete(f"{ADMIN}/snoozes/{snoozes[0]['id']}")) == (
        404,
        "unknown_snooze",
        "id",
    )


def test_bad_snoozes_answer_4xx_with_the_field(admin: TestClient) -> None:
    until = "2026-11-22T13:00:00+02:00"
    unknown = admin.post(f"{ADMIN}/snoozes", json={"item_ids": ["pizza"], "until": until})
    assert error_of(unknown) == (404, "unknown_item", "item_ids[0]")
    empty = admin.post(f"{ADMIN}/snoozes", json={"until": until})
    assert error_of(empty)[1:] == ("nothing_to_snooze", "item_ids")
    past = {"item_ids": ["croissant"], "until": "2026-11-22T11:00:00+02:00"}
    assert error_of(admin.post(f"{ADMIN}/snoozes", json=past))[1:] == ("invalid_time", "until")
    assert admin.get(f"{ADMIN}/snoozes").json() == {"snoozes": []}


def test_ordering_options_change_only_what_is_named(admin: TestClient) -> None:
    assert admin.get(f"{ADMIN}/ordering").json() == {
        "lead_time_minutes": 30,
        "prep_time_minutes": 20,
        "auto_busy_threshold": None,
        "auto_busy_minutes": 20,
        "charge_products": {},
        "promotions": {},
    }
    changed = admin.patch(
        f"{ADMIN}/ordering",
        json={
            "lead_time_minutes": 45,
            "auto_busy_threshold": 8,
            "charge_products": {"delivery_fee": "501"},
        },
    ).json()
    assert (changed["lead_time_minutes"], changed["prep_time_minutes"]) == (45, 20)
    assert changed["charge_products"] == {"delivery_fee": "501"}
    off = admin.patch(f"{ADMIN}/ordering", json={"auto_busy_threshold": None}).json()
    assert off["auto_busy_threshold"] is None and off["lead_time_minutes"] == 45
    bad = admin.patch(f"{ADMIN}/ordering", json={"charge_products": {"gratuity": "1"}})
    assert error_of(bad)[0] == 422


def test_storefront_keys_and_other_tenants_cannot_use_it(client: TestClient, world: World) -> None:
    assert client.get(f"{ADMIN}/hours").status_code == 403
    admin = TestClient(world.hub.app(), headers=bearer(world.admin_key))
    assert admin.get(f"/api/v1/admin/locations/{OTHER_LOCATION}/hours").status_code == 404
    assert (
        admin.post(
            f"/api/v1/admin/locations/{OTHER_LOCATION}/busy", json={"extra_minutes": 5}
        ).status_code
        == 404
    )
