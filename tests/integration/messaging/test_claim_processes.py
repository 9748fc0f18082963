"""Several worker processes draining one queue never run a job twice (nor skip one)."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from sqlalchemy import Engine, func, insert, select, text

from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.storage.types import utcnow
from tests.patience import patience

from .drain import KIND, RUNS_DDL, drain

PROCESSES = 3
# PostgreSQL is where many workers on many machines share a queue; SQLite (one machine,
# one writer at a time) gets a smaller batch to keep the suite quick.
JOBS = {"postgresql": 5000, "sqlite": 2000}


@pytest.mark.timeout(300)
def test_three_worker_processes_drain_5000_jobs_each_exactly_once(
    db_url: str, engine: Engine
) -> None:
    jobs = JOBS[engine.dialect.name]
    now = utcnow()
    rows = [
        {
            "kind": KIND,
            "payload": {"n": n},
            "status": "pending",
            "run_after": now,
            "created_at": now,
            "updated_at": now,
            # Every tenth job shares a key, so the key check runs under load too.
            "key": f"order-{n % 50}" if n % 10 == 0 else None,
        }
        for n in range(jobs)
    ]
    with engine.begin() as conn:
        conn.execute(text(RUNS_DDL))
        conn.execute(insert(OutboxJob), rows)

    try:
        ctx = multiprocessing.get_context("spawn")
        start = ctx.Event()
        procs = [ctx.Process(target=drain, args=(db_url, f"p{i}", start)) for i in range(PROCESSES)]
        for proc in procs:
            proc.start()
        began = time.monotonic()
        start.set()
        # A safety net against a hang, not a budget: the draining takes as long as the
        # machine needs.
        deadline = began + patience(240)
        for proc in procs:
            proc.join(timeout=max(1.0, deadline - time.monotonic()))
        elapsed = time.monotonic() - began
        hung = [p for p in procs if p.is_alive()]
        for proc in hung:
            proc.kill()
        assert not hung, "a worker process hung"
        assert [p.exitcode for p in procs] == [0] * PROCESSES

        with engine.connect() as conn:
            runs = conn.execute(text("SELECT count(*), count(DISTINCT job_id) FROM job_runs")).one()
            by_worker = conn.execute(text("SELECT count(DISTINCT worker) FROM job_runs")).scalar()
            statuses = dict(
                conn.execute(
                    select(OutboxJob.status, func.count()).group_by(OutboxJob.status)
                ).all()
            )
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE job_runs"))
    assert tuple(runs) == (jobs, jobs), "a job ran twice or not at all"
    assert statuses == {JobStatus.SUCCEEDED.value: jobs}
    assert by_worker is not None and by_worker >= 2, "the work was not shared"
    print(f"\n{db_url.split(':')[0]}: {jobs} jobs by {PROCESSES} processes in {elapsed:.1f} s")
