"""Operations: health, metrics, the OpenAPI document, and the admin-only routes."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from orderbridge.ports import PermanentError
from orderbridge.services.menus import IMPORT_MENU
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import CONNECTION, LOCATION, World, jobs
from tests.unit.web.bodies import order_body

ADMIN_ROUTES = [
    ("GET", "/api/v1/admin/deadletters"),
    ("POST", "/api/v1/admin/deadletters/1/retry"),
    ("POST", "/api/v1/admin/orders/ord_x/replay"),
    ("POST", f"/api/v1/admin/locations/{LOCATION}/menu/sync"),
]


@pytest.fixture
def operator(world: World) -> TestClient:
    return TestClient(world.hub.app(), headers=bearer(world.admin_key))


def test_health_reports_the_database_and_connections(client: TestClient, world: World) -> None:
    healthy = TestClient(world.hub.app()).get("/health")
    assert healthy.status_code == 200
    assert healthy.json() == {"status": "ok", "database": "ok", "connections": {"active": 1}}
    with world.hub.uow() as tx:
        tx.set_connection_status(CONNECTION, "needs_reauth", "token revoked")
        tx.commit()
    degraded = TestClient(world.hub.app()).get("/health").json()
    assert degraded["status"] == "degraded"
    assert degraded["connections"] == {"needs_reauth": 1}


@pytest.mark.anyio
async def test_metrics_expose_the_hubs_series(client: TestClient, world: World) -> None:
    client.post("/api/v1/orders", json=order_body())
    await world.hub.worker().run_until_idle()
    text = TestClient(world.hub.app()).get("/metrics").text
    assert 'orderbridge_job_attempts_total{kind="order.submit",outcome="succeeded"} 1.0' in text
    assert 'orderbridge_outbox_jobs{kind="order.submit",status="succeeded"} 1.0' in text
    assert "orderbridge_job_latency_seconds_bucket" in text
    assert "orderbridge_ingested_total" in text


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_the_openapi_document_is_complete_and_its_references_resolve(client: TestClient) -> None:
    document = TestClient(client.app).get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    for path in [
        "/api/v1/orders",
        "/api/v1/orders/{order_id}",
        "/api/v1/locations/{location_id}/menu",
    ]:
        assert path in document["paths"]
    create = document["paths"]["/api/v1/orders"]["post"]
    assert {"201", "401", "409", "415", "422"} <= set(create["responses"])
    schemas = document["components"]["schemas"]
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    assert {"item_id", "variant_id", "quantity", "modifiers", "note"} <= set(
        schemas["LineIn"]["properties"]
    )


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_refuse_a_storefront_key(client: TestClient, method: str, path: str) -> None:
    assert error_of(client.request(method, path)) == (403, "insufficient_scope", None)


@pytest.mark.anyio
async def test_an_operator_lists_and_retries_a_dead_letter(
    client: TestClient, operator: TestClient, world: World
) -> None:
    world.pos.refuse = PermanentError("unknown_product", "product 42 is not on the menu")
    client.post("/api/v1/orders", json=order_body())
    await world.hub.worker().run_until_idle()
    dead = operator.get("/api/v1/admin/deadletters").json()["deadletters"]
    assert [(d["kind"], d["connection_id"]) for d in dead] == [("order.submit", CONNECTION)]
    assert "unknown_product" in dead[0]["last_error"]
    retried = operator.post(f"/api/v1/admin/deadletters/{dead[0]['id']}/retry")
    assert retried.json() == {"retried": dead[0]["id"]}
    assert operator.get("/api/v1/admin/deadletters").json()["deadletters"] == []
    again = operator.post(f"/api/v1/admin/deadletters/{dead[0]['id']}/retry")
    assert error_of(again) == (404, "unknown_deadletter", "job_id")


@pytest.mark.anyio
async def test_an_operator_replays_a_failed_order(
    client: TestClient, operator: TestClient, world: World
) -> None:
    world.pos.refuse = PermanentError("unknown_product", "product 42 is not on the menu")
    order_id = client.post("/api/v1/orders", json=order_body()).json()["id"]
    await world.hub.worker().run_until_idle()
    assert client.get(f"/api/v1/orders/{order_id}").json()["status"] == "failed"
    world.pos.refuse = None
    replayed = operator.post(f"/api/v1/admin/orders/{order_id}/replay")
    assert replayed.json()["status"] == "received"
    await world.hub.worker().run_until_idle()
    assert client.get(f"/api/v1/orders/{order_id}").json()["status"] == "submitted"
    twice = operator.post(f"/api/v1/admin/orders/{order_id}/replay")
    assert error_of(twice)[:2] == (409, "not_replayable")


def test_an_operator_queues_a_menu_sync(operator: TestClient, world: World) -> None:
    answer = operator.post(f"/api/v1/admin/locations/{LOCATION}/menu/sync")
    [job] = jobs(world.hub, IMPORT_MENU)
    assert answer.json() == {"queued": job.id}
    assert job.payload == {"location_id": LOCATION}
    unknown = operator.post("/api/v1/admin/locations/nowhere/menu/sync")
    assert error_of(unknown) == (404, "unknown_location", "location_id")


def test_the_api_thread_pool_is_capped_on_sqlite(world: World) -> None:
    """Sync routes share anyio's thread pool; on SQLite the app caps it at start-up."""
    app = world.hub.app()

    @app.get("/_test/threads")
    async def threads() -> dict[str, float]:
        return {"threads": anyio.to_thread.current_default_thread_limiter().total_tokens}

    with TestClient(app) as started:  # runs the lifespan
        assert started.get("/_test/threads").json() == {"threads": 8}
    assert world.hub.settings.api_threads is None  # the SQLite default, not a setting
