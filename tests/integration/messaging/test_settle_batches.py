"""Tries that end together are recorded in one transaction, each on its own: one that
cannot be written fails alone, and the others are kept."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.attempts import Settlement, begin_exchange
from orderbridge.messaging.tables import AttemptOutcome, JobAttempt, JobStatus
from orderbridge.messaging.worker_db import WorkerDB
from orderbridge.sql.types import utcnow

from .helpers import add_job, load_job


def _settled(result: object) -> Settlement:
    return Settlement(AttemptOutcome.SUCCEEDED, JobStatus.SUCCEEDED, result={"r": result})


def test_settles_that_end_together_share_one_transaction(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    db = WorkerDB(sessions, sessions, worker_id="w-batch", lease_seconds=60, clock=utcnow)
    ids = [add_job(sessions, "test.echo", {"n": n}) for n in range(4)]
    begins: list[int] = []

    def count(_conn: object) -> None:
        begins.append(1)

    async def main() -> list[bool | BaseException]:
        jobs = await db.claim(10, ["test.echo"], ())
        assert sorted(j.id for j in jobs) == ids
        by_id = {j.id: j for j in jobs}
        started = time.perf_counter()
        event.listen(engine, "begin", count)
        # The third one's result cannot be stored as JSON: it alone fails.
        results: list[object] = [1, 2, {1, 2}, 4]
        return await asyncio.gather(
            *(
                db.settle(by_id[i], _settled(r), started, begin_exchange())
                for i, r in zip(ids, results, strict=True)
            ),
            return_exceptions=True,
        )

    outcomes = asyncio.run(main())
    event.remove(engine, "begin", count)
    assert outcomes[0] is True and outcomes[1] is True and outcomes[3] is True
    assert isinstance(outcomes[2], Exception)
    statuses = [load_job(sessions, i).status for i in ids]
    assert statuses == ["succeeded", "succeeded", "running", "succeeded"]
    with sessions() as session:
        closed = dict(session.execute(select(JobAttempt.job_id, JobAttempt.outcome)).all())
    assert closed[ids[2]] != "succeeded" and closed[ids[0]] == "succeeded"
    # One transaction for the batch, then the failed one alone (without a retry: its
    # error is not transient) — not one per try.
    assert len(begins) == 2
