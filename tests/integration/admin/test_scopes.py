"""What a publishable storefront key may do: its own orders and reservations, menus and
locations, nothing else."""

from __future__ import annotations

from fastapi.testclient import TestClient

from orderbridge.storage import admin
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import LOCATION, TENANT, World
from tests.unit.web.bodies import order_body, reservation_body

STATUS = f"/api/v1/locations/{LOCATION}/status"


def _storefront(world: World, *, inherit: str | None = None) -> tuple[str, TestClient]:
    with world.hub.sessions() as session, session.begin():
        issued = admin.issue_api_key(session, TENANT, name="site", inherit=inherit)
    return issued.id, TestClient(world.hub.app(), headers=bearer(issued.key))


def test_a_storefront_key_cannot_pause_the_location(
    client: TestClient, admin_client: TestClient
) -> None:
    answer = client.post(STATUS, json={"action": "pause", "reason": "prank"})
    assert error_of(answer) == (403, "insufficient_scope", None)
    assert client.get(f"/api/v1/locations/{LOCATION}").json()["status"] == "open"
    assert admin_client.post(STATUS, json={"action": "pause"}).json()["status"] == "paused"


def test_a_storefront_key_cannot_reach_the_admin_api(client: TestClient) -> None:
    for method, path in [
        ("GET", "/api/v1/admin/keys"),
        ("GET", "/api/v1/admin/deadletters"),
        ("GET", "/api/v1/webhooks"),
        ("POST", f"/api/v1/admin/locations/{LOCATION}/menu/sync"),
    ]:
        assert error_of(client.request(method, path))[:2] == (403, "insufficient_scope"), path


def test_a_storefront_key_sees_and_cancels_only_its_own_orders(
    client: TestClient, admin_client: TestClient, world: World
) -> None:
    mine = client.post("/api/v1/orders", json=order_body(channel_order_id="web-1")).json()["id"]
    _, other_site = _storefront(world)
    theirs = other_site.post("/api/v1/orders", json=order_body(channel_order_id="web-2"))
    theirs_id = theirs.json()["id"]
    assert client.get(f"/api/v1/orders/{mine}").status_code == 200
    assert error_of(client.get(f"/api/v1/orders/{theirs_id}"))[:2] == (404, "unknown_order")
    assert error_of(client.post(f"/api/v1/orders/{theirs_id}/cancel"))[:2] == (
        404,
        "unknown_order",
    )
    assert other_site.get(f"/api/v1/orders/{theirs_id}").json()["status"] == "received"
    # The admin key sees (and may cancel) every order of its tenant.
    assert admin_client.get(f"/api/v1/orders/{mine}").status_code == 200
    assert admin_client.post(f"/api/v1/orders/{theirs_id}/cancel").json()["status"] == "canceled"


def test_another_keys_channel_order_id_is_a_conflict_not_its_order(
    client: TestClient, world: World
) -> None:
    first = client.post("/api/v1/orders", json=order_body(channel_order_id="web-9"))
    assert first.status_code == 201
    _, other_site = _storefront(world)
    again = other_site.post("/api/v1/orders", json=order_body(channel_order_id="web-9"))
    assert error_of(again) == (409, "duplicate_order", "channel_order_id")
    assert "id" not in again.json()
    repeat = client.post("/api/v1/orders", json=order_body(channel_order_id="web-9"))
    assert repeat.json()["id"] == first.json()["id"]


def test_a_key_that_inherits_reads_its_predecessors_orders(
    client: TestClient, world: World
) -> None:
    placed = client.post("/api/v1/orders", json=order_body()).json()["id"]
    with world.hub.sessions() as session:
        old = next(k for k in admin.api_keys(session, TENANT) if k.scope == "storefront")
    _, rotated = _storefront(world, inherit=old.id)
    assert rotated.get(f"/api/v1/orders/{placed}").status_code == 200
    _, unrelated = _storefront(world)
    assert unrelated.get(f"/api/v1/orders/{placed}").status_code == 404


def test_reservations_are_private_to_the_key_that_placed_them(
    client: TestClient, admin_client: TestClient, world: World
) -> None:
    reservation = client.post("/api/v1/reservations", json=reservation_body()).json()["id"]
    _, other_site = _storefront(world)
    path = f"/api/v1/reservations/{reservation}"
    assert error_of(other_site.get(path))[:2] == (404, "unknown_reservation")
    assert error_of(other_site.post(f"{path}/cancel"))[:2] == (404, "unknown_reservation")
    assert client.get(path).status_code == 200
    assert admin_client.get(path).status_code == 200
    same_id = other_site.post("/api/v1/reservations", json=reservation_body())
    assert error_of(same_id)[:2] == (409, "duplicate_reservation")
