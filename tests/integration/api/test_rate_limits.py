"""Per-key rate limits: 429 with ``Retry-After`` past the burst, per key, on both
databases; on PostgreSQL every API process draws from the same bucket."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from orderbridge.storage.rate_limits import (
    MemoryRateLimits,
    Rate,
    RateLimits,
    SqlRateLimits,
)
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import World, build_world

PER_SECOND = 0.01  # one request per 100 s: the bucket does not refill during a test
BURST = 3


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url, rate_limit_per_second=PER_SECOND, rate_limit_burst=BURST)
    yield built
    built.close()


def test_past_the_burst_a_key_gets_429_with_retry_after(world: World) -> None:
    client = TestClient(world.hub.app())
    shop = bearer(world.api_key)
    assert [client.get("/api/v1/locations", headers=shop).status_code for _ in range(3)] == [
        200
    ] * 3
    refused = client.get("/api/v1/locations", headers=shop)
    assert error_of(refused)[:2] == (429, "rate_limited")
    assert 90 <= int(refused.headers["Retry-After"]) <= 100  # one request's worth: 100 s
    # Another key of the same tenant has its own bucket.
    assert (
        client.get("/api/v1/admin/deadletters", headers=bearer(world.admin_key)).status_code == 200
    )


def test_the_bucket_is_shared_by_every_api_process_on_postgresql(world: World) -> None:
    """Two apps (two processes) on one database: PostgreSQL keeps one bucket per key;
    SQLite deployments run one API process, which keeps it in memory."""
    first, second = TestClient(world.hub.app()), TestClient(world.hub.app())
    shop = bearer(world.api_key)
    answers = [c.get("/api/v1/locations", headers=shop).status_code for c in (first, second) * 2]
    if world.hub.on_sqlite:
        assert isinstance(world.hub.rate_limits(), MemoryRateLimits)
        assert answers == [200, 200, 200, 200]  # each app its own bucket of three
    else:
        assert isinstance(world.hub.rate_limits(), SqlRateLimits)
        assert answers == [200, 200, 200, 429]


def test_a_refused_request_takes_nothing_from_the_bucket(world: World) -> None:
    now = [1000.0]
    rate = Rate(per_second=1.0, burst=2)
    limits: RateLimits = (
        MemoryRateLimits(rate, clock=lambda: now[0])
        if world.hub.on_sqlite
        else SqlRateLimits(world.hub.engine, rate, clock=lambda: now[0])
    )
    assert [limits.take("key_1") for _ in range(2)] == [None, None]
    assert limits.take("key_1") == pytest.approx(1.0)
    assert limits.take("key_1") == pytest.approx(1.0)  # asking again costs nothing
    now[0] += 0.5
    assert limits.take("key_1") == pytest.approx(0.5)
    now[0] += 0.5
    assert limits.take("key_1") is None
    assert limits.take("key_2") is None
    assert math.isclose(Rate(per_second=4, burst=2).window, 0.5)
