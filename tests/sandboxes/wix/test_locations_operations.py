"""List Locations and the online-ordering operation: pause, resume, revisions."""

from __future__ import annotations

from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.seed import LOCATION_ID, OPERATION_ID
from tests.sandboxes.wix.support import AUTH, ok, wix_error

OPERATIONS = "/restaurants-operations/v1/operations"
ONE = f"{OPERATIONS}/{OPERATION_ID}"


def test_list_locations_has_the_seeded_cafe(client: TestClient) -> None:
    body = ok(client.get("/locations/v1/locations", headers=AUTH))
    [location] = body["locations"]
    assert location["id"] == LOCATION_ID
    assert location["name"] == "Бріош на Подолі"
    assert location["default"] is True and location["archived"] is False
    assert location["timeZone"] == "Europe/Kyiv"
    assert location["address"]["city"] == "Київ"
    assert len(location["businessSchedule"]["periods"]) == 7
    assert body["pagingMetadata"] == {"count": 1, "offset": 0, "hasNext": False}


def test_get_location_and_an_unknown_one(client: TestClient) -> None:
    assert ok(client.get(f"/locations/v1/locations/{LOCATION_ID}", headers=AUTH))["location"]
    body = wix_error(client.get("/locations/v1/locations/nope", headers=AUTH), 404)
    assert body["details"]["applicationError"]["code"] == "NOT_FOUND"


def test_the_seeded_operation_is_enabled_at_revision_1(client: TestClient) -> None:
    [listed] = ok(client.get(OPERATIONS, headers=AUTH))["operations"]
    operation = ok(client.get(ONE, headers=AUTH))["operation"]
    assert listed == operation
    assert operation["onlineOrderingStatus"] == "ENABLED"
    assert operation["revision"] == "1"
    assert operation["businessLocationId"] == LOCATION_ID
    assert "pausedUntilOptions" not in operation


def test_pausing_until_a_time_then_resuming(client: TestClient) -> None:
    paused = ok(
        client.patch(
            ONE,
            json={
                "operation": {
                    "revision": "1",
                    "onlineOrderingStatus": "PAUSED_UNTIL",
                    "pausedUntilOptions": {"time": "2025-11-03T12:00:00Z"},
                }
            },
            headers=AUTH,
        )
    )["operation"]
    assert paused["onlineOrderingStatus"] == "PAUSED_UNTIL"
    assert paused["pausedUntilOptions"] == {"time": "2025-11-03T12:00:00.000Z"}
    assert paused["revision"] == "2"
    assert ok(client.get(ONE, headers=AUTH))["operation"] == paused
    resumed = ok(
        client.patch(
            ONE,
            json={"operation": {"revision": 2, "onlineOrderingStatus": "ENABLED"}},
            headers=AUTH,
        )
    )["operation"]
    assert resumed["onlineOrderingStatus"] == "ENABLED"
    assert "pausedUntilOptions" not in resumed
    assert resumed["revision"] == "3"


def test_a_stale_revision_is_a_409_and_changes_nothing(client: TestClient) -> None:
    body = {"operation": {"revision": "1", "onlineOrderingStatus": "DISABLED"}}
    ok(client.patch(ONE, json=body, headers=AUTH))
    error = wix_error(client.patch(ONE, json=body, headers=AUTH), 409)
    assert error["details"]["applicationError"]["code"] == "REVISION_MISMATCH"
    assert error["details"]["applicationError"]["data"]["currentRevision"] == "2"
    assert ok(client.get(ONE, headers=AUTH))["operation"]["revision"] == "2"


def test_invalid_operation_updates(client: TestClient) -> None:
    cases = [
        {"onlineOrderingStatus": "ENABLED"},  # no revision
        {"revision": "1", "onlineOrderingStatus": "CLOSED"},
        {"revision": "1", "onlineOrderingStatus": "PAUSED_UNTIL"},  # no time
        {
            "revision": "1",
            "onlineOrderingStatus": "PAUSED_UNTIL",
            "pausedUntilOptions": {"time": "tomorrow"},
        },
        {
            "revision": "1",
            "onlineOrderingStatus": "PAUSED_UNTIL",
            "pausedUntilOptions": {"time": "2025-11-03T12:00:00"},  # no zone
        },
        {"revision": "1", "defaultFulfillmentType": "TELEPORT"},
        {"revision": "1", "id": "another-id"},
    ]
    for operation in cases:
        wix_error(client.patch(ONE, json={"operation": operation}, headers=AUTH), 400)
    wix_error(client.patch(ONE, json={}, headers=AUTH), 400)
    assert ok(client.get(ONE, headers=AUTH))["operation"]["revision"] == "1"


def test_an_unknown_operation_is_404(client: TestClient) -> None:
    wix_error(client.get(f"{OPERATIONS}/nope", headers=AUTH), 404)
    wix_error(
        client.patch(f"{OPERATIONS}/nope", json={"operation": {"revision": "1"}}, headers=AUTH), 404
    )
