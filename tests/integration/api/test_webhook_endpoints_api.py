"""``/api/v1/webhooks``: subscribe (behind the SSRF guard), list, rotate, delete."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import World, build_world

HOOKS = "/api/v1/webhooks"


@pytest.fixture
def guarded(sqlite_url: str) -> Iterator[TestClient]:
    """A deployment that keeps the SSRF guard closed (production's setting)."""
    world = build_world(sqlite_url, allow_private_urls=False)
    yield TestClient(world.hub.app(), headers=bearer(world.admin_key))
    world.close()


@pytest.fixture
def client(admin_client: TestClient) -> TestClient:
    """Webhook endpoints are an admin key's business (their secrets sign deliveries)."""
    return admin_client


def test_a_storefront_key_cannot_see_or_add_endpoints(world: World) -> None:
    storefront = TestClient(world.hub.app(), headers=bearer(world.api_key))
    assert error_of(storefront.get(HOOKS))[:2] == (403, "insufficient_scope")
    body = {"url": "http://shop.test/h2", "events": ["order.received"]}
    assert error_of(storefront.post(HOOKS, json=body))[:2] == (403, "insufficient_scope")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.7/hook",
        "http://192.168.1.1/hook",
    ],
)
def test_private_addresses_are_refused_when_the_guard_is_closed(
    guarded: TestClient, url: str
) -> None:
    answer = guarded.post(HOOKS, json={"url": url, "events": ["order.received"]})
    assert error_of(answer) == (422, "private_address", "url")
    assert [e["url"] for e in guarded.get(HOOKS).json()] == ["http://shop.test/hooks/orderbridge"]


def test_loopback_is_allowed_when_the_deployment_allows_private_urls(client: TestClient) -> None:
    answer = client.post(
        HOOKS, json={"url": "http://127.0.0.1:9000/h", "events": ["order.received"]}
    )
    assert answer.status_code == 201


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "ftp://shop.test/h", "events": ["order.received"]}, "invalid_url"),
        ({"url": "http://user:pw@shop.test/h", "events": ["order.received"]}, "invalid_url"),
        ({"url": "http://shop.test/h", "events": []}, "value_out_of_range"),
        ({"url": "http://shop.test/h", "events": ["order.eaten"]}, "invalid_value"),
    ],
)
def test_malformed_subscriptions_are_422(
    client: TestClient, body: dict[str, object], code: str
) -> None:
    assert error_of(client.post(HOOKS, json=body))[:2] == (422, code)


def test_create_list_rotate_delete(client: TestClient, world: World) -> None:
    created = client.post(
        HOOKS,
        json={
            "url": "https://shop.example.com/hooks",
            "events": ["order.accepted", "order.accepted", "menu.updated"],
            "description": "main site",
        },
    )
    assert created.status_code == 201
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["events"] == ["order.accepted", "menu.updated"]
    listed = {e["id"]: e for e in client.get(HOOKS).json()}
    assert set(listed) == {world.endpoint_id, endpoint["id"]}
    assert "secret" not in listed[endpoint["id"]]
    rotated = client.post(f"{HOOKS}/{endpoint['id']}/rotate-secret")
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != endpoint["secret"]
    with world.hub.uow() as tx:
        live = tx.get_endpoint(endpoint["id"])
    assert live is not None
    assert live.secrets == (rotated.json()["secret"], endpoint["secret"])
    assert client.delete(f"{HOOKS}/{endpoint['id']}").status_code == 204
    assert [e["id"] for e in client.get(HOOKS).json()] == [world.endpoint_id]
    gone = client.delete(f"{HOOKS}/{endpoint['id']}")
    assert error_of(gone) == (404, "unknown_endpoint", "id")
    assert error_of(client.post(f"{HOOKS}/{endpoint['id']}/rotate-secret"))[:2] == (
        404,
        "unknown_endpoint",
    )
