"""``/health/live``, ``/health/ready`` and ``/health``, and the connection gauges of
``/metrics``, on SQLite and PostgreSQL.

Readiness is the database only (answering, migrated): a POS that refuses its token or
is down degrades ``/health`` (503, for monitors) but never readiness, so a load
balancer keeps the hub in rotation and orders keep being taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from orderbridge.services.incidents import clear_incident, raise_incident
from orderbridge.storage.migrate import downgrade, head_revision, upgrade
from tests.integration.support.world import CONNECTION, TENANT, World, build_world

BREAKER = "connection.breaker_open"


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(world.hub.app())


def _status(world: World, status: str) -> None:
    with world.hub.uow() as tx:
        tx.set_connection_status(CONNECTION, status, "token revoked" if status != "active" else "")
        tx.commit()


def _breaker(world: World, opened: bool) -> None:
    with world.hub.uow() as tx:
        if opened:
            raise_incident(
                tx,
                tenant_id=TENANT,
                kind=BREAKER,
                subject_id=CONNECTION,
                detail="",
                now=world.clock(),
            )
        else:
            clear_incident(tx, kind=BREAKER, subject_id=CONNECTION, now=world.clock())
        tx.commit()


def test_a_healthy_hub_is_live_ready_and_ok(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "alive"}
    ready = client.get("/health/ready")
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "database": "ok", "migrations": "ok"},
    )
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "connections": {"active": 1},
        "attention": [],
    }


def test_a_refused_token_degrades_health_but_not_readiness(
    world: World, client: TestClient
) -> None:
    _status(world, "needs_reauth")
    health = client.get("/health")
    assert health.status_code == 503
    body = health.json()
    assert (body["status"], body["connections"]) == ("degraded", {"needs_reauth": 1})
    assert body["attention"] == [
        {"connection_id": CONNECTION, "kind": "poster", "needs_reauth": True, "breaker": "closed"}
    ]
    assert "token revoked" not in health.text  # reasons are for the dashboard, not the world
    assert client.get("/health/ready").status_code == 200
    _status(world, "active")
    assert client.get("/health").status_code == 200


def test_an_open_circuit_degrades_health_until_it_closes(world: World, client: TestClient) -> None:
    _breaker(world, opened=True)
    body = client.get("/health").json()
    assert body["status"] == "degraded"
    assert body["attention"] == [
        {"connection_id": CONNECTION, "kind": "poster", "needs_reauth": False, "breaker": "open"}
    ]
    assert client.get("/health/ready").status_code == 200
    _breaker(world, opened=False)
    assert client.get("/health").json()["status"] == "ok"


def test_the_gauges_show_each_connection_s_state(world: World, client: TestClient) -> None:
    def gauges() -> list[str]:
        text = client.get("/metrics").text
        return [
            line
            for line in text.splitlines()
            if line.startswith(("orderbridge_connection_", "orderbridge_incidents_open"))
        ]

    labels = f'{{connection_id="{CONNECTION}",kind="poster"}}'
    assert gauges() == [
        f"orderbridge_connection_needs_reauth{labels} 0.0",
        f"orderbridge_connection_breaker_open{labels} 0.0",
    ]
    _status(world, "needs_reauth")
    _breaker(world, opened=True)
    assert gauges() == [
        f"orderbridge_connection_needs_reauth{labels} 1.0",
        f"orderbridge_connection_breaker_open{labels} 1.0",
        'orderbridge_incidents_open{kind="connection.breaker_open"} 1.0',
    ]


def test_a_database_behind_the_code_is_not_ready(db_url: str) -> None:
    downgrade(db_url, "0003_wix")
    hub = build_hub(Settings(database_url=db_url, secret_key=SecretStr("test")))
    try:
        client = TestClient(hub.app())
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json() == {
            "status": "unavailable",
            "database": "ok",
            "migrations": {"current": "0003_wix", "head": head_revision()},
        }
        assert client.get("/health").status_code == 503
        assert client.get("/health/live").status_code == 200
    finally:
        hub.engine.dispose()
        upgrade(db_url)  # the PostgreSQL database is shared by the session's tests


def test_an_unreachable_database_is_not_ready(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "hub.db"
    hub = build_hub(Settings(database_url=f"sqlite:///{missing}", secret_key=SecretStr("t")))
    try:
        client = TestClient(hub.app())
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert (ready.json()["status"], ready.json()["database"]) == ("unavailable", "unavailable")
        assert client.get("/health").json()["status"] == "unavailable"
        assert client.get("/health/live").json() == {"status": "alive"}
    finally:
        hub.engine.dispose()
