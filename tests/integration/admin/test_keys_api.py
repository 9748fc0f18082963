"""``/api/v1/admin/keys``: issue (shown once, stored hashed), list, revoke."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from orderbridge.storage import tables as t
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import World

KEYS = "/api/v1/admin/keys"


def test_a_new_key_is_shown_once_and_stored_only_hashed(
    admin_client: TestClient, world: World
) -> None:
    created = admin_client.post(KEYS, json={"scope": "storefront", "name": "website"})
    assert created.status_code == 201
    body = created.json()
    assert body["scope"] == "storefront" and body["name"] == "website"
    key = body["key"]
    assert key.startswith("ob_") and body["hint"] == key[:9] + "…"
    listed = admin_client.get(KEYS).json()["keys"]
    assert body["id"] in [k["id"] for k in listed]
    assert all("key" not in k for k in listed)
    with world.hub.sessions() as session:
        stored = session.scalars(select(t.ApiKey.key_hash)).all()
    assert key not in stored and all(len(h) == 64 for h in stored)
    new_client = TestClient(world.hub.app(), headers=bearer(key))
    assert new_client.get("/api/v1/locations").status_code == 200


def test_a_revoked_key_is_refused_and_cannot_be_revoked_twice(
    admin_client: TestClient, world: World
) -> None:
    body = admin_client.post(KEYS, json={"scope": "admin"}).json()
    fresh = TestClient(world.hub.app(), headers=bearer(body["key"]))
    assert fresh.get(KEYS).status_code == 200
    assert admin_client.delete(f"{KEYS}/{body['id']}").status_code == 204
    assert error_of(fresh.get(KEYS))[:2] == (401, "unauthorized")
    assert error_of(admin_client.delete(f"{KEYS}/{body['id']}")) == (409, "already_revoked", "id")
    [row] = [k for k in admin_client.get(KEYS).json()["keys"] if k["id"] == body["id"]]
    assert row["revoked_at"] is not None


def test_bad_key_requests_are_4xx_with_a_field(admin_client: TestClient) -> None:
    assert error_of(admin_client.post(KEYS, json={"scope": "root"}))[::2] == (422, "scope")
    assert error_of(admin_client.post(KEYS, json={}))[:3] == (422, "missing_field", "scope")
    assert error_of(admin_client.post(KEYS, json={"scope": "admin", "name": ""}))[::2] == (
        422,
        "name",
    )
    assert error_of(admin_client.delete(f"{KEYS}/key_nope")) == (404, "unknown_key", "id")
    inherit = admin_client.post(KEYS, json={"scope": "storefront", "inherit": "key_nope"})
    assert error_of(inherit) == (404, "unknown_key", "inherit")


def test_another_tenants_keys_are_404_and_not_listed(
    admin_client: TestClient, world: World
) -> None:
    other = TestClient(world.hub.app(), headers=bearer(world.other_admin_key))
    theirs = other.post(KEYS, json={"scope": "storefront"}).json()
    assert theirs["id"] not in [k["id"] for k in admin_client.get(KEYS).json()["keys"]]
    assert error_of(admin_client.delete(f"{KEYS}/{theirs['id']}")) == (404, "unknown_key", "id")
    still = TestClient(world.hub.app(), headers=bearer(theirs["key"]))
    assert still.get("/api/v1/locations").status_code == 200
    mine = admin_client.post(KEYS, json={"scope": "storefront"}).json()
    inherit = other.post(KEYS, json={"scope": "storefront", "inherit": mine["id"]})
    assert error_of(inherit) == (404, "unknown_key", "inherit")


def test_an_admin_key_cannot_be_inherited(admin_client: TestClient) -> None:
    boss = admin_client.post(KEYS, json={"scope": "admin"}).json()
    answer = admin_client.post(KEYS, json={"scope": "storefront", "inherit": boss["id"]})
    assert error_of(answer) == (422, "invalid_inherit", "inherit")


def test_a_storefront_key_has_no_business_with_keys(client: TestClient) -> None:
    assert error_of(client.get(KEYS))[:2] == (403, "insufficient_scope")
    assert error_of(client.post(KEYS, json={"scope": "admin"}))[:2] == (403, "insufficient_scope")
