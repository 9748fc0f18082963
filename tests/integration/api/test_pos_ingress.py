"""``POST /webhooks/pos/{connection}``: the registry's webhook route, here with Poster.

The path names the connection and the registry names its reader, which verifies the
signature before anything is stored. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from orderbridge.connectors.poster.events import POSTER_EVENT
from orderbridge.messaging.tables import InboxEvent, OutboxJob
from orderbridge.storage import admin
from tests.integration.api.test_poster_ingress import signed
from tests.integration.support.api import error_of
from tests.integration.support.world import CONNECTION, TENANT, World, build_world, count, jobs

HOOK = f"/webhooks/pos/{CONNECTION}"


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()


@pytest.fixture
def pos(world: World) -> TestClient:
    return TestClient(world.hub.app())


def test_a_verified_webhook_is_stored_once_with_its_job(world: World, pos: TestClient) -> None:
    body = signed("incoming_order", 101, "changed")
    first = pos.post(HOOK, json=body)
    again = pos.post(HOOK, json=body)
    assert first.status_code == 200 and first.json() == {"received": 1, "duplicates": 0}
    assert again.json() == {"received": 0, "duplicates": 1}
    queued = jobs(world.hub, POSTER_EVENT)
    assert len(queued) == 1 and queued[0].connection_id == CONNECTION
    assert queued[0].payload["object_id"] == "101" and "verify" not in queued[0].payload


def test_a_bad_signature_is_refused_and_nothing_is_stored(world: World, pos: TestClient) -> None:
    answer = pos.post(HOOK, json=signed(secret="not the secret"))
    assert error_of(answer)[:2] == (401, "invalid_signature")
    assert count(world.hub, InboxEvent) == 0 and count(world.hub, OutboxJob) == 0


def test_a_body_that_is_not_json_is_refused_before_anything_else(pos: TestClient) -> None:
    answer = pos.post(HOOK, content=b"{not json")
    assert error_of(answer)[:2] == (400, "invalid_webhook")


def test_an_order_added_is_stored_processed_with_no_job(world: World, pos: TestClient) -> None:
    answer = pos.post(HOOK, json=signed("incoming_order", 102, "added"))
    assert answer.json() == {"received": 1, "duplicates": 0}
    assert count(world.hub, InboxEvent) == 1 and jobs(world.hub, POSTER_EVENT) == []


@pytest.mark.parametrize("connection", ["con_missing", "wix-like"])
def test_unknown_or_non_pos_connections_answer_404(
    world: World, pos: TestClient, connection: str
) -> None:
    with world.hub.sessions() as session, session.begin():
        admin.create_connection(
            session,
            world.hub.cipher,
            TENANT,
            kind="wix",
            role="channel",
            name="Wix",
            credentials={},
            settings={},
            connection_id="wix-like",
        )
    answer = pos.post(f"/webhooks/pos/{connection}", json=signed())
    assert error_of(answer) == (404, "unknown_connection", "connection")
