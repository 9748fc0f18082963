"""A PostgreSQL outage as an operator expects it (#15): every request answers 503 with
``Retry-After`` (not 500 with a traceback each), the log says "database unavailable"
once and "database back" once, and ``/metrics`` keeps answering with the process
metrics and the last known queue depth, marked stale.

The outage is a proxy that resets every connection of the hub (``support/outage.py``),
as a restart or a stop of the server does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderbridge.messaging.outbox import enqueue
from tests.integration.api.test_observability import json_logs as json_logs
from tests.integration.api.test_observability import lines
from tests.integration.api.test_poster_ingress import HOOK, signed
from tests.integration.support.api import bearer, error_of
from tests.integration.support.outage import CuttableProxy, proxy_for
from tests.integration.support.world import CONNECTION, World, build_world
from tests.unit.web.bodies import order_body


@pytest.fixture
def proxy(postgres_db_url: str) -> Iterator[CuttableProxy]:
    with proxy_for(postgres_db_url) as found:
        yield found


@pytest.fixture
def world(postgres_db_url: str, proxy: CuttableProxy) -> Iterator[World]:
    built = build_world(proxy.url_for(postgres_db_url))
    yield built
    built.close()


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(world.hub.app(), raise_server_exceptions=False)


def _requests(client: TestClient, world: World) -> list[Any]:
    """A storefront read and write, an admin read, two webhooks."""
    shop, ops = bearer(world.api_key), bearer(world.admin_key)
    return [
        client.get("/api/v1/locations", headers=shop),
        client.post("/api/v1/orders", json=order_body(), headers=shop),
        client.get("/api/v1/admin/deadletters", headers=ops),
        client.post(HOOK, json=signed()),
        client.post(f"/webhooks/pos/{CONNECTION}", json=signed(object_id=102)),
    ]


def test_an_outage_is_503_with_retry_after_and_two_log_lines(
    client: TestClient, world: World, proxy: CuttableProxy, json_logs: pytest.CaptureFixture[str]
) -> None:
    assert [a.status_code for a in _requests(client, world)] == [200, 201, 200, 200, 200]
    proxy.cut()
    for _ in range(3):  # a busy minute of an outage, in short
        for answer in _requests(client, world):
            assert error_of(answer)[:2] == (503, "unavailable"), answer.text
            assert answer.headers["Retry-After"] == "5"
    proxy.restore()
    assert client.get("/api/v1/locations", headers=bearer(world.api_key)).status_code == 200
    logged = lines(json_logs)
    changes = [line for line in logged if line["event"].startswith("database ")]
    assert [line["event"] for line in changes] == ["database unavailable", "database back"]
    assert changes[1]["seconds_away"] >= 0
    text = json.dumps(logged)
    assert "Traceback" not in text and '"level": "error"' not in text


def _sample(text: str, name: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(name)]
    assert len(found) == 1, (name, found)
    return found[0].rsplit(" ", 1)[1]


def test_metrics_answer_through_an_outage_with_the_last_queue_depth_marked_stale(
    client: TestClient, world: World, proxy: CuttableProxy
) -> None:
    with world.hub.sessions.begin() as session:
        enqueue(session, "test.waiting", {})
    jobs = 'orderbridge_outbox_jobs{kind="test.waiting",status="pending"}'
    before = client.get("/metrics")
    assert before.status_code == 200
    assert _sample(before.text, jobs) == "1.0"
    assert _sample(before.text, "orderbridge_outbox_jobs_stale") == "0.0"
    proxy.cut()
    during = client.get("/metrics")
    assert during.status_code == 200, during.text
    assert _sample(during.text, jobs) == "1.0"  # the last figure read
    assert _sample(during.text, "orderbridge_outbox_jobs_stale") == "1.0"
    assert "process_cpu_seconds_total" in during.text
    proxy.restore()
    after = client.get("/metrics")
    assert _sample(after.text, "orderbridge_outbox_jobs_stale") == "0.0"
