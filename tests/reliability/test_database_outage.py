"""PostgreSQL away under load (#15): nothing lost or duplicated, and the hub behaves as
an operator expects while it is away.

Real processes (``orderbridge serve``, a worker, the Poster sandbox) reach PostgreSQL
through a proxy (``tests/integration/support/outage.py``) that the test cuts — every
connection reset, new ones refused, as a restart or a stop does — and restores. While
it is cut, orders answer 503 with ``Retry-After`` (never 500), ``/metrics`` answers with
the queue depth marked stale, and each process logs "database unavailable" once, no
traceback; after it, "database back" once. A storefront that retries its 503s with the
same ``Idempotency-Key`` gets every order in, and the POS receives each exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import fresh_database
from tests.integration.support.outage import CuttableProxy, proxy_for
from tests.patience import HTTP_TIMEOUT
from tests.reliability.stack import (
    auth,
    hub_stack,
    menu_lines,
    order_body,
    pos_markers,
    post_orders,
    wait_until_submitted,
)

pytestmark = pytest.mark.e2e

BEFORE, DURING, AFTER = 40, 12, 40


@pytest.fixture
def direct_url(postgres_admin_url: str) -> Iterator[str]:
    with fresh_database(postgres_admin_url, "orderbridge_rel") as url:
        yield url


@pytest.fixture
def proxy(direct_url: str) -> Iterator[CuttableProxy]:
    with proxy_for(direct_url) as found:
        yield found


@pytest.mark.timeout(300)
def test_a_database_outage_under_load_loses_and_duplicates_nothing(
    direct_url: str, proxy: CuttableProxy, tmp_path: Path
) -> None:
    with hub_stack(proxy.url_for(direct_url), tmp_path, workers=1) as stack:
        lines = menu_lines(stack.hub_url)
        # Orders still being submitted when the database goes away.
        first = asyncio.run(post_orders(stack.hub_url, range(BEFORE), lines, tag="db"))
        proxy.cut()
        refused = []
        with httpx.Client(base_url=stack.hub_url, headers=auth(), timeout=HTTP_TIMEOUT) as api:
            for n in range(BEFORE, BEFORE + DURING):
                key = {"idempotency-key": f"db-{n}"}
                answer = api.post("/api/v1/orders", json=order_body(n, lines, "db"), headers=key)
                refused.append((answer.status_code, answer.headers.get("retry-after")))
            metrics = api.get("/metrics")
        assert set(refused) == {(503, "5")}, refused
        assert metrics.status_code == 200
        assert "orderbridge_outbox_jobs_stale 1.0" in metrics.text
        proxy.restore()
        # The storefront sends the refused orders again (same keys), and new ones.
        later = range(BEFORE, BEFORE + DURING + AFTER)
        second = asyncio.run(post_orders(stack.hub_url, later, lines, tag="db"))
        created = set(first) | set(second)
        assert len(created) == BEFORE + DURING + AFTER
        wait_until_submitted(stack, created)
        markers = pos_markers(stack.poster_url)
        assert {order: markers[order] for order in created} == dict.fromkeys(created, 1)
        assert sum(markers.values()) == len(created), "an order reached the POS twice"
    logs = {log.name: log.read_text(errors="replace") for log in tmp_path.glob("*.log")}
    api_log = logs["api.log"]
    assert api_log.count("database unavailable") == 1, api_log[-3000:]
    assert api_log.count("database back") == 1, api_log[-3000:]
    for name, text in logs.items():
        assert "Traceback" not in text, f"{name}:\n{text[-3000:]}"
        assert text.count("database unavailable") == text.count("database back"), name
