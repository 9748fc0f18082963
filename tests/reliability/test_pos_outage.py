"""The POS away for a while: the backlog drains after it returns, once each, in order.

The Poster sandbox process is stopped (connections refused) while orders keep coming
through the storefront API, and started again (its world kept in its state file) while
more orders arrive. The hub's retry schedule is short here (0.2 s base, 1 s cap, set by
``ORDERBRIDGE_RETRY_*``), so jobs retry many times during the outage and the circuit
breaker opens; after recovery every order reaches the POS exactly once. Then the
cashier accepts some and the webhooks bring them to ``accepted``. Each order's timeline
must read forward: received, then submitted, then accepted, never back.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from orderbridge.domain.orders import OrderStatus
from tests.patience import HTTP_TIMEOUT, wait_for
from tests.reliability.stack import (
    db_rows,
    hub_stack,
    lease,
    menu_lines,
    pos_markers,
    post_orders,
    timelines,
    wait_until_submitted,
)

pytestmark = pytest.mark.e2e

BEFORE, DURING, AFTER = 100, 300, 100
FAILED_TRIES = 20  # failed submissions seen before the POS comes back
RANK = {
    OrderStatus.RECEIVED.value: 0,
    OrderStatus.SUBMITTED.value: 1,
    OrderStatus.ACCEPTED.value: 2,
    OrderStatus.COMPLETED.value: 3,
}


@pytest.mark.timeout(300)
def test_backlog_drains_after_the_pos_returns(db_url: str, tmp_path: Path) -> None:
    # No worker dies here, so the lease is the production-like 10 s, not the kill
    # test's short one (under the recovery burst a short lease can lapse while its try
    # is still calling the POS; see docs/benchmarks.md, "Open issues").
    with hub_stack(db_url, tmp_path, workers=2, ORDERBRIDGE_LEASE_SECONDS=lease(10)) as stack:
        lines = menu_lines(stack.hub_url)
        before = asyncio.run(post_orders(stack.hub_url, range(BEFORE), lines, tag="out"))
        wait_until_submitted(stack, set(before))

        stack.stop_sandbox()
        during = asyncio.run(
            post_orders(stack.hub_url, range(BEFORE, BEFORE + DURING), lines, tag="out")
        )

        # Let the jobs fail against the closed port: until many of them have (the
        # circuit breaker then opens and stops the rest from hammering the port).
        def failed_tries() -> int:
            found: int = db_rows(
                db_url,
                "SELECT count(*) FROM job_attempts a JOIN outbox_jobs j ON j.id = a.job_id "
                "WHERE j.kind = 'order.submit' AND a.outcome = 'transient'",
            )[0][0]
            return found

        tries = wait_for(
            lambda: (n := failed_tries()) >= FAILED_TRIES and n,
            timeout=60,
            what=f"{FAILED_TRIES} failed tries against the stopped POS",
            interval=0.2,
        )
        stuck = db_rows(
            db_url,
            "SELECT count(*) FROM orders WHERE status = 'received'",
        )[0][0]

        stack.start_sandbox()
        after = asyncio.run(
            post_orders(
                stack.hub_url, range(BEFORE + DURING, BEFORE + DURING + AFTER), lines, tag="out"
            )
        )
        created = before + during + after
        wait_until_submitted(stack, set(created))
        markers = pos_markers(stack.poster_url)

        # The cashier accepts every fifth order; Poster's webhooks bring the news.
        pos_ids = dict(db_rows(db_url, "SELECT id, pos_order_id FROM orders"))
        accepted = created[::5]
        for order in accepted:
            answer = httpx.post(
                f"{stack.poster_url}/_sandbox/incoming-orders/{pos_ids[order]}/accept",
                timeout=HTTP_TIMEOUT,
            )
            assert answer.status_code == 200, answer.text

        def all_accepted() -> bool:
            statuses = dict(db_rows(db_url, "SELECT id, status FROM orders"))
            return all(statuses[o] == OrderStatus.ACCEPTED.value for o in accepted)

        wait_for(all_accepted, timeout=60, what="accepted orders", interval=0.2)
        history = timelines(db_url)
        doubled = {o: n for o, n in markers.items() if n != 1}
        tries_of_doubled = db_rows(
            db_url,
            "SELECT j.key, a.number, a.worker_id, a.started_at, a.outcome, a.error "
            "FROM job_attempts a JOIN outbox_jobs j ON j.id = a.job_id "
            "WHERE j.kind = 'order.submit' ORDER BY j.key, a.number",
        )
        tries_of_doubled = [row for row in tries_of_doubled if row[0] in doubled]
        dead = db_rows(db_url, "SELECT count(*) FROM outbox_jobs WHERE status = 'dead'")[0][0]

    # The outage was real: orders waited, and their submissions failed (the circuit
    # breaker then stops the rest from hammering the closed port).
    assert stuck == DURING
    assert tries > 0
    # Nothing lost, nothing doubled at the POS, nothing given up.
    assert len(set(created)) == BEFORE + DURING + AFTER
    assert set(markers) == set(created)
    assert not doubled, tries_of_doubled
    assert dead == 0
    # In order per order: timestamps and statuses only move forward.
    for order in created:
        entries = history[order]
        assert entries[0][2] == "order.received", entries
        assert [e[0] for e in entries] == sorted(e[0] for e in entries), entries
        ranks = [RANK[status] for _, status, _ in entries]
        assert ranks == sorted(ranks), entries
        assert sorted(set(ranks))[:2] == [0, 1], entries
        if order in accepted:
            assert ranks[-1] == RANK[OrderStatus.ACCEPTED.value], entries
    print(f"\n{db_url.split(':')[0]}: {stuck} orders waited, {tries} failed tries")
