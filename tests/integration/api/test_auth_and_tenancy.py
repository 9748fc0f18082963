"""Every storefront request names its tenant by API key; other tenants' data is 404."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from orderbridge.storage import admin
from orderbridge.storage import tables as t
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import LOCATION, OTHER_LOCATION, TENANT, World
from tests.unit.web.bodies import order_body, reservation_body

ROUTES = [
    ("GET", "/api/v1/locations"),
    ("GET", f"/api/v1/locations/{LOCATION}/menu"),
    ("POST", "/api/v1/orders"),
    ("GET", "/api/v1/webhooks"),
    ("GET", "/api/v1/admin/deadletters"),
]


@pytest.fixture
def anonymous(world: World) -> TestClient:
    return TestClient(world.hub.app())


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Basic b2s6b2s=", "Bearer ob_not-a-key"],
    ids=["missing", "empty", "basic", "unknown"],
)
def test_without_a_valid_key_every_route_is_401(
    anonymous: TestClient, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = anonymous.request(method, path, headers=headers, json=order_body())
    assert error_of(answer)[:2] == (401, "unauthorized")
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_revoked_key_is_401(anonymous: TestClient, world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        issued = admin.issue_api_key(session, TENANT, name="old")
    assert anonymous.get("/api/v1/locations", headers=bearer(issued.key)).status_code == 200
    with world.hub.sessions() as session, session.begin():
        assert admin.revoke_api_key(session, issued.id)
    answer = anonymous.get("/api/v1/locations", headers=bearer(issued.key))
    assert error_of(answer) == (401, "unauthorized", None)


def test_locations_list_only_the_tenants_own(client: TestClient) -> None:
    listed = client.get("/api/v1/locations").json()["locations"]
    assert [loc["id"] for loc in listed] == [LOCATION]


def test_another_tenants_things_are_404(
    client: TestClient, admin_client: TestClient, world: World
) -> None:
    other = TestClient(world.hub.app(), headers=bearer(world.other_key))
    other_admin = TestClient(world.hub.app(), headers=bearer(world.other_admin_key))
    order_id = other.post("/api/v1/orders", json=order_body(location_id=OTHER_LOCATION)).json()[
        "id"
    ]
    reservation_id = other.post(
        "/api/v1/reservations", json=reservation_body(location_id=OTHER_LOCATION)
    ).json()["id"]
    endpoint_id = other_admin.post(
        "/api/v1/webhooks", json={"url": "http://other.test/h", "events": ["order.received"]}
    ).json()["id"]
    answers = {
        "order": client.get(f"/api/v1/orders/{order_id}"),
        "cancel": client.post(f"/api/v1/orders/{order_id}/cancel"),
        "location": client.get(f"/api/v1/locations/{OTHER_LOCATION}"),
        "status": admin_client.post(
            f"/api/v1/locations/{OTHER_LOCATION}/status", json={"action": "pause"}
        ),
        "menu": client.get(f"/api/v1/locations/{OTHER_LOCATION}/menu"),
        "reservation": client.get(f"/api/v1/reservations/{reservation_id}"),
        "rotate": admin_client.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret"),
        "delete": admin_client.delete(f"/api/v1/webhooks/{endpoint_id}"),
    }
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 404)
    assert endpoint_id not in [e["id"] for e in admin_client.get("/api/v1/webhooks").json()]
    # ... and nothing of theirs was touched.
    assert other.get(f"/api/v1/orders/{order_id}").json()["status"] == "received"
    assert other.get(f"/api/v1/locations/{OTHER_LOCATION}").json()["status"] == "open"
    assert [e["id"] for e in other_admin.get("/api/v1/webhooks").json()] == [endpoint_id]
    with world.hub.sessions() as session:
        location = session.get(t.Location, OTHER_LOCATION)
        assert location is not None and not location.paused


def test_admin_routes_of_another_tenant_are_404(world: World) -> None:
    other = TestClient(world.hub.app(), headers=bearer(world.other_key))
    order_id = other.post("/api/v1/orders", json=order_body(location_id=OTHER_LOCATION)).json()[
        "id"
    ]
    admin_client = TestClient(world.hub.app(), headers=bearer(world.admin_key))
    replay = admin_client.post(f"/api/v1/admin/orders/{order_id}/replay")
    sync = admin_client.post(f"/api/v1/admin/locations/{OTHER_LOCATION}/menu/sync")
    assert error_of(replay)[:2] == (404, "unknown_order")
    assert error_of(sync)[:2] == (404, "unknown_location")
