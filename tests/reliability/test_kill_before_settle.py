"""kill -9 after the POS answered, before the worker's settle committed.

The worker writes what the POS answered (the order's POS id, its timeline entry and
notifications) in the transaction that records the try (``messaging/with_settle.py``).
A worker killed after the POS created the order but before that transaction commits
leaves nothing of the answer behind: the order still ``received``, its job still
leased. Once the lease lapses another worker retakes the job, finds the order at the
POS by its marker (``pos.found``) and records it — the POS has it exactly once.

To stop the worker exactly there, the test holds the database while the (slowed) POS
call is under way: SQLite's write lock, or on PostgreSQL the job's row, which the settle
must update. The worker's settle then waits; the test kills it once the POS has the order.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text, update

from orderbridge.messaging.tables import OutboxJob
from orderbridge.storage.db import make_engine
from tests.patience import patience, wait_for
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

CREATE = "incomingOrders.createIncomingOrder"


@contextlib.contextmanager
def _database_held(db_url: str) -> Iterator[None]:
    """Hold what the worker's settle needs: SQLite's writer lock, or (PostgreSQL) the
    submit jobs' rows, locked ``FOR UPDATE``."""
    if db_url.startswith("sqlite"):
        raw = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            raw.execute("BEGIN IMMEDIATE")
            yield
            raw.execute("ROLLBACK")
        finally:
            raw.close()
        return
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn, conn.begin() as tx:
            conn.execute(text("SELECT id FROM outbox_jobs WHERE kind = 'order.submit' FOR UPDATE"))
            yield
            tx.rollback()
    finally:
        engine.dispose()


def _lease_lapses_now(db_url: str) -> None:
    """The dead worker's lease, run out now rather than in 30 s (what the wait would
    bring, sooner: the next worker retakes the job as from any lapsed lease)."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(OutboxJob)
                .where(OutboxJob.kind == "order.submit")
                .values(lease_expires_at=datetime(2000, 1, 1, tzinfo=UTC))
            )
    finally:
        engine.dispose()


def _submit_job(db_url: str) -> tuple[str, int]:
    rows = db_rows(
        db_url, "SELECT status, total_attempts FROM outbox_jobs WHERE kind = 'order.submit'"
    )
    assert len(rows) == 1
    return str(rows[0][0]), int(rows[0][1])


@pytest.mark.timeout(480)
def test_a_worker_killed_between_the_pos_answer_and_its_settle(db_url: str, tmp_path: Path) -> None:
    # A long lease: the worker writes its lease fence before the POS call only when the
    # claim's lease lost more than a tenth of its term (messaging/worker_db.py), and that
    # write would wait behind the database held below, so the create would never come.
    # A tenth of 30 s is far more than a starved machine takes from claim to call.
    with hub_stack(db_url, tmp_path, workers=1, ORDERBRIDGE_LEASE_SECONDS=lease(30)) as stack:
        stack.kill_worker(stack.workers[0])  # it imported the menus; the order waits
        lines = menu_lines(stack.hub_url)
        # A slow create: time to take hold of the database once the job is claimed.
        stack.faults(methods=[CREATE], latency_ms=round(patience(1.5) * 1000))
        [order_id] = asyncio.run(post_orders(stack.hub_url, [1], lines, tag="settle-kill"))
        worker = stack.start_worker()
        wait_for(lambda: _submit_job(db_url)[0] == "running", what="the claim")
        with _database_held(db_url):
            wait_for(lambda: pos_markers(stack.poster_url)[order_id] == 1, what="the create")
            stack.kill_worker(worker)
        # Nothing of the POS's answer was stored: the order waits, its job is leased.
        assert db_rows(db_url, "SELECT status FROM orders WHERE id = :o", o=order_id) == [
            ("received",)
        ]
        assert _submit_job(db_url) == ("running", 1)

        _lease_lapses_now(db_url)
        stack.faults(methods=[CREATE], latency_ms=0)
        stack.start_worker()
        statuses = wait_until_submitted(stack, {order_id})
        markers = pos_markers(stack.poster_url)
        history = [event for _, _, event in timelines(db_url)[order_id]]

    assert statuses[order_id] == "submitted"
    assert markers[order_id] == 1  # created once, never again
    assert "pos.found" in history  # the second try looked it up instead
    assert _submit_job(db_url) == ("succeeded", 2)
