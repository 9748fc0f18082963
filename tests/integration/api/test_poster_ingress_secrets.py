"""``POST /webhooks/poster`` when the application secret changes under a running hub.

The ingress caches each account's connection and secret (``storage.connection_cache``);
these tests check what a webhook sender sees when the secret is rotated, here or by
another process. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from orderbridge.storage import admin
from orderbridge.storage.db import make_engine, session_factory
from tests.integration.api.test_poster_ingress import HOOK, signed
from tests.integration.support.api import error_of
from tests.integration.support.world import (
    APP_SECRET,
    CONNECTION,
    POSTER_TOKEN,
    World,
    build_world,
)


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()


@pytest.fixture
def poster(world: World) -> TestClient:
    return TestClient(world.hub.app())


def rotate(world: World, secret: str, *, elsewhere: bool) -> None:
    """A new application secret, committed by this hub or by another process."""
    engine = make_engine(world.hub.settings.database_url) if elsewhere else world.hub.engine
    sessions = session_factory(engine) if elsewhere else world.hub.sessions
    credentials = {"token": POSTER_TOKEN, "application_secret": secret}
    with sessions.begin() as session:
        admin.update_connection_credentials(session, world.hub.cipher, CONNECTION, credentials)
    if elsewhere:
        engine.dispose()


def test_a_secret_rotated_by_another_process_verifies_at_once(
    poster: TestClient, world: World
) -> None:
    assert poster.post(HOOK, json=signed(object_id=1)).json() == {"status": "accept"}
    rotate(world, "rotated-secret", elsewhere=True)
    answer = poster.post(HOOK, json=signed(object_id=2, secret="rotated-secret"))
    assert answer.json() == {"status": "accept"}


def test_a_secret_replaced_in_this_process_stops_verifying_at_once(
    poster: TestClient, world: World
) -> None:
    assert poster.post(HOOK, json=signed(object_id=1)).json() == {"status": "accept"}
    rotate(world, "rotated-secret", elsewhere=False)
    assert error_of(poster.post(HOOK, json=signed(object_id=2, secret=APP_SECRET)))[:2] == (
        401,
        "invalid_signature",
    )
    answer = poster.post(HOOK, json=signed(object_id=3, secret="rotated-secret"))
    assert answer.json() == {"status": "accept"}


def test_other_methods_get_the_api_error_body(poster: TestClient) -> None:
    assert error_of(poster.get(HOOK))[:2] == (405, "method_not_allowed")
