"""Benchmark: outbox jobs per second on PostgreSQL with 1, 2 and 4 worker processes.

Each run gets a fresh database, ``--jobs`` pending jobs of a no-op kind, and N worker
processes (``orderbridge.messaging.worker.Worker`` with the hub's claim, lease, attempt
and settle path, ``--concurrency`` jobs at once each, 20 ms poll) started together;
the clock stops when the last process finds the queue empty. What is measured is the
queue machinery itself: claim (``FOR UPDATE SKIP LOCKED``), the attempt rows, settling.
PostgreSQL comes from ``ORDERBRIDGE_TEST_POSTGRES_URL``, or a throwaway cluster is
started (and removed) as ``tests/integration/conftest.py`` does. Runnable alone::

    uv run python bench/worker_throughput.py [--jobs 5000] [--workers 1 2 4]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import func, insert, select

from _root import postgres
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.tables import OutboxJob
from orderbridge.messaging.worker import Worker
from orderbridge.storage.db import make_engine, session_factory
from orderbridge.storage.types import utcnow

KIND = "bench.noop"


def drain(url: str, name: str, concurrency: int, start: Event, out: Any) -> None:
    engine = make_engine(url)

    async def handle(job: JobView) -> None:
        return None

    worker = Worker(
        session_factory(engine),
        {KIND: handle},
        worker_id=name,
        concurrency=concurrency,
        poll_interval=0.02,
    )
    start.wait(timeout=60)
    try:
        out.put((name, asyncio.run(worker.run_until_idle())))
    finally:
        engine.dispose()


def run_once(admin_url: str, workers: int, jobs: int, concurrency: int) -> dict[str, Any]:
    with postgres.fresh_database(admin_url, "orderbridge_bench") as url:
        engine = make_engine(url)
        now = utcnow()
        rows = [
            {
                "kind": KIND,
                "payload": {"n": n},
                "status": "pending",
                "run_after": now,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(jobs)
        ]
        with engine.begin() as conn:
            conn.execute(insert(OutboxJob), rows)
        ctx = multiprocessing.get_context("spawn")
        start, out = ctx.Event(), ctx.Queue()
        procs = [
            ctx.Process(target=drain, args=(url, f"w{i}", concurrency, start, out))
            for i in range(workers)
        ]
        for proc in procs:
            proc.start()
        time.sleep(1.0)  # let every process import and connect before the clock starts
        began = time.perf_counter()
        start.set()
        ran = dict(out.get(timeout=600) for _ in procs)
        elapsed = time.perf_counter() - began
        for proc in procs:
            proc.join(timeout=30)
        with engine.connect() as conn:
            counted = select(OutboxJob.status, func.count()).group_by(OutboxJob.status)
            statuses = {status: count for status, count in conn.execute(counted).all()}
        engine.dispose()
    assert statuses == {"succeeded": jobs}, statuses
    return {
        "workers": workers,
        "jobs": jobs,
        "seconds": round(elapsed, 2),
        "jobs_per_second": round(jobs / elapsed, 1),
        "per_worker": ran,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=8, help="jobs at once per worker")
    args = parser.parse_args()

    results = []
    with postgres.postgres_server() as (admin_url, started):
        if started is not None:
            print("started a throwaway PostgreSQL cluster (fsync off, as in the tests)")
        for workers in args.workers:
            result = run_once(admin_url, workers, args.jobs, args.concurrency)
            results.append(result)
            print(
                f"{workers} worker process(es): {args.jobs} jobs in {result['seconds']} s "
                f"= {result['jobs_per_second']} jobs/s  (per worker {result['per_worker']})"
            )
    print(
        json.dumps(
            {
                "benchmark": "worker_throughput",
                "database": "postgresql",
                "concurrency_per_worker": args.concurrency,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
