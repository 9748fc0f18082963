"""Fulfillment methods' weekly availability and the operation's availability exceptions."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.seed import OPERATION_ID, PICKUP_METHOD_ID
from tests.sandboxes.wix.support import AUTH, READ_ONLY, ok, wix_error

METHODS = "/fulfillment-methods/v1/fulfillment-methods"
PICKUP = f"{METHODS}/{PICKUP_METHOD_ID}"
EXCEPTIONS = "/restaurants-availability-exceptions/v1/availability-exceptions"


def _clock(hours: int, minutes: int = 0) -> dict[str, int]:
    return {"hours": hours, "minutes": minutes}


def _weekdays(opens: int, closes: int) -> list[dict[str, Any]]:
    return [
        {"dayOfWeek": day, "timeRanges": [{"startTime": _clock(opens), "endTime": _clock(closes)}]}
        for day in ("MON", "TUE", "WED", "THU", "FRI")
    ]


def _patch(client: TestClient, fields: dict[str, Any]) -> Any:
    return client.patch(PICKUP, json={"fulfillmentMethod": fields}, headers=AUTH)


def test_the_operation_names_its_pickup_method_open_every_day(client: TestClient) -> None:
    operation = ok(
        client.get(f"/restaurants-operations/v1/operations/{OPERATION_ID}", headers=AUTH)
    )
    assert operation["operation"]["fulfillmentIds"] == [PICKUP_METHOD_ID]
    [listed] = ok(client.get(METHODS, headers=AUTH))["fulfillmentMethods"]
    method = ok(client.get(PICKUP, headers=AUTH))["fulfillmentMethod"]
    assert listed == method and method["type"] == "PICKUP" and method["revision"] == "1"
    assert len(method["availability"]["availableTimes"]) == 7


def test_availability_is_replaced_and_the_zone_is_the_site_s(client: TestClient) -> None:
    availability = {"availableTimes": _weekdays(9, 18), "timeZone": "America/New_York"}
    updated = ok(_patch(client, {"revision": "1", "availability": availability}))
    method = updated["fulfillmentMethod"]
    assert method["revision"] == "2"
    assert [t["dayOfWeek"] for t in method["availability"]["availableTimes"]] == [
        "MON", "TUE", "WED", "THU", "FRI",
    ]  # fmt: skip
    assert method["availability"]["timeZone"] == "Europe/Kyiv"  # Wix keeps the site's zone
    assert ok(client.get(PICKUP, headers=AUTH))["fulfillmentMethod"] == method


def test_bad_availability_and_a_stale_revision_change_nothing(client: TestClient) -> None:
    backwards = [
        {"dayOfWeek": "SAT", "timeRanges": [{"startTime": _clock(18), "endTime": _clock(2)}]}
    ]
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"availableTimes": backwards, "timeZone": "UTC"}, 400, "endTime"),
        ({"availableTimes": _weekdays(9, 24), "timeZone": "UTC"}, 400, "hours"),
        ({"availableTimes": [{"dayOfWeek": "MONDAY"}], "timeZone": "UTC"}, 400, "dayOfWeek"),
        ({"availableTimes": []}, 400, "timeZone"),
    ]
    for availability, status, field in cases:
        body = wix_error(_patch(client, {"revision": "1", "availability": availability}), status)
        assert field in str(body), body
    stale = _patch(client, {"revision": "7", "availability": {"timeZone": "UTC"}})
    assert wix_error(stale, 409)["details"]["applicationError"]["code"] == "REVISION_MISMATCH"
    assert wix_error(client.patch(PICKUP, json={"fulfillmentMethod": {}}, headers=READ_ONLY), 403)
    assert ok(client.get(PICKUP, headers=AUTH))["fulfillmentMethod"]["revision"] == "1"


def test_exceptions_are_created_queried_by_operation_and_deleted(client: TestClient) -> None:
    body = {
        "startTime": "2025-12-31T22:00:00Z",
        "endTime": "2026-01-01T22:00:00+00:00",
        "name": "New Year",
        "operationId": OPERATION_ID,
    }
    created = ok(client.post(EXCEPTIONS, json={"availabilityException": body}, headers=AUTH))
    exception = created["availabilityException"]
    assert exception["available"] is False and exception["revision"] == "1"
    assert exception["endTime"] == "2026-01-01T22:00:00.000Z"
    query = {"query": {"filter": {"operationId": {"$eq": OPERATION_ID}}}}
    found = ok(client.post(f"{EXCEPTIONS}/query", json=query, headers=AUTH))
    assert found["availabilityExceptions"] == [exception]
    other = {"query": {"filter": {"operationId": "another"}}}
    assert (
        ok(client.post(f"{EXCEPTIONS}/query", json=other, headers=AUTH))["availabilityExceptions"]
        == []
    )
    ok(client.delete(f"{EXCEPTIONS}/{exception['id']}", headers=AUTH))
    assert wix_error(client.delete(f"{EXCEPTIONS}/{exception['id']}", headers=AUTH), 404)


def test_an_exception_must_close_a_real_operation_forward_in_time(client: TestClient) -> None:
    good = {
        "startTime": "2025-12-31T22:00:00Z",
        "endTime": "2026-01-01T22:00:00Z",
        "operationId": OPERATION_ID,
    }
    for change in (
        {"endTime": "2025-12-31T21:00:00Z"},
        {"operationId": "nope"},
        {"available": True},
        {"startTime": "2025-12-31T22:00:00"},
    ):
        answer = client.post(
            EXCEPTIONS, json={"availabilityException": good | change}, headers=AUTH
        )
        wix_error(answer, 400)
    listed = ok(client.post(f"{EXCEPTIONS}/query", json={"query": {}}, headers=AUTH))
    assert listed["availabilityExceptions"] == []
