"""The body of one worker process in the claim-exclusivity test (importable by spawn)."""

from __future__ import annotations

import asyncio
from multiprocessing.synchronize import Event

from sqlalchemy import text

from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.worker import Worker
from orderbridge.storage.db import make_engine, session_factory
from tests.patience import patience

KIND = "bulk.echo"
RUNS_DDL = "CREATE TABLE job_runs (job_id BIGINT NOT NULL, worker VARCHAR(64) NOT NULL)"


def drain(url: str, name: str, start: Event) -> int:
    """Run a worker until the queue is empty, recording every handler call in job_runs."""
    engine = make_engine(url)
    sessions = session_factory(engine)

    def record(job_id: int) -> None:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO job_runs (job_id, worker) VALUES (:j, :w)"),
                {"j": job_id, "w": name},
            )

    async def handle(job: JobView) -> None:
        await asyncio.to_thread(record, job.id)
        return None

    worker = Worker(sessions, {KIND: handle}, worker_id=name, concurrency=8, poll_interval=0.02)
    start.wait(timeout=patience(60))
    try:
        return asyncio.run(worker.run_until_idle())
    finally:
        engine.dispose()
