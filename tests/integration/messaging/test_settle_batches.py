"""Tries that end together are recorded in one transaction: one that cannot be written
fails alone, and the others are written together again and kept.

Transactions are counted as connections taken from the engine's pool: one per
transaction, whether through a Session or, on a SQLite file, on the DB-API connection
(``messaging/direct_sqlite.py``), which fires no engine ``begin``."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.attempts import Settlement, begin_exchange
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import AttemptOutcome, JobAttempt, JobStatus, OutboxJob
from orderbridge.messaging.with_settle import write_on_success
from orderbridge.messaging.worker import Worker
from orderbridge.messaging.worker_db import WorkerDB, WriteFailed
from orderbridge.sql.types import utcnow
from orderbridge.storage.uow_direct import NeedsSession

from .helpers import add_job, load_job


def _settled(result: object) -> Settlement:
    return Settlement(AttemptOutcome.SUCCEEDED, JobStatus.SUCCEEDED, result={"r": result})


def test_settles_that_end_together_share_one_transaction(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    db = WorkerDB(sessions, sessions, worker_id="w-batch", lease_seconds=60, clock=utcnow)
    ids = [add_job(sessions, "test.echo", {"n": n}) for n in range(4)]
    begins: list[int] = []

    def count(*_: object) -> None:
        begins.append(1)

    async def main() -> list[bool | BaseException]:
        jobs = await db.claim(10, ["test.echo"], ())
        assert sorted(j.id for j in jobs) == ids
        by_id = {j.id: j for j in jobs}
        started = time.perf_counter()
        event.listen(engine, "checkout", count)
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
    event.remove(engine, "checkout", count)
    assert outcomes[0] is True and outcomes[1] is True and outcomes[3] is True
    assert isinstance(outcomes[2], Exception)
    statuses = [load_job(sessions, i).status for i in ids]
    assert statuses == ["succeeded", "succeeded", "running", "succeeded"]
    with sessions() as session:
        closed = dict(session.execute(select(JobAttempt.job_id, JobAttempt.outcome)).all())
    assert closed[ids[2]] != "succeeded" and closed[ids[0]] == "succeeded"
    # The batch (rolled back at the third), the failed one alone (without a retry: its
    # error is not transient), the three others again together — not one per try.
    assert len(begins) == 3


def _marking(sessions: sessionmaker[Session], job_id: int, *, fails: bool = False) -> object:
    """A try's own write (``with_settle.py``): marks the job's payload as written."""

    def write(session: Session) -> None:
        session.execute(
            update(OutboxJob).where(OutboxJob.id == job_id).values(payload={"written": True})
        )
        if fails:  # after writing: the rolled-back transaction must undo it
            raise ValueError("this write cannot be stored")

    return write


def test_a_tries_own_writes_commit_with_its_settle_and_one_that_fails_falls_back(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    """The writes ride in the batch's transaction; one that fails there is written
    alone and, failing again, makes its try fail (``WriteFailed``) — the others keep."""
    db = WorkerDB(sessions, sessions, worker_id="w-writes", lease_seconds=60, clock=utcnow)
    ids = [add_job(sessions, "test.echo", {"n": n}) for n in range(3)]
    begins: list[int] = []

    def count(*_: object) -> None:
        begins.append(1)

    async def main() -> list[bool | BaseException]:
        jobs = {j.id: j for j in await db.claim(10, ["test.echo"], ())}
        started = time.perf_counter()
        event.listen(engine, "checkout", count)
        settlements = [
            replace(_settled(n), writes=(_marking(sessions, i, fails=n == 1),))  # type: ignore[arg-type]
            for n, i in enumerate(ids)
        ]
        return await asyncio.gather(
            *(
                db.settle(jobs[i], s, started, begin_exchange())
                for i, s in zip(ids, settlements, strict=True)
            ),
            return_exceptions=True,
        )

    outcomes = asyncio.run(main())
    event.remove(engine, "checkout", count)
    assert outcomes[0] is True and outcomes[2] is True
    assert isinstance(outcomes[1], WriteFailed)
    jobs = [load_job(sessions, i) for i in ids]
    assert [j.status for j in jobs] == ["succeeded", "running", "succeeded"]
    assert [j.payload for j in jobs] == [{"written": True}, {"n": 1}, {"written": True}]
    # The batch (rolled back at the second), the failed one's write alone (nothing
    # settled for it), the two others again together.
    assert len(begins) == 3


def test_a_single_tries_writes_share_its_settles_transaction(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    db = WorkerDB(sessions, sessions, worker_id="w-one", lease_seconds=60, clock=utcnow)
    job_id = add_job(sessions, "test.echo", {})
    begins: list[int] = []

    def count(*_: object) -> None:
        begins.append(1)

    async def main() -> bool:
        [job] = await db.claim(10, ["test.echo"], ())
        event.listen(engine, "checkout", count)
        settlement = replace(_settled(0), writes=(_marking(sessions, job_id),))  # type: ignore[arg-type]
        return await db.settle(job, settlement, time.perf_counter(), begin_exchange())

    assert asyncio.run(main()) is True
    event.remove(engine, "checkout", count)
    job = load_job(sessions, job_id)
    assert (job.status, job.payload) == ("succeeded", {"written": True})
    assert len(begins) == 1


def test_a_try_whose_own_write_cannot_be_stored_is_retried(
    sessions: sessionmaker[Session],
) -> None:
    """The handler's call went through, but what it learned could not be written: the
    try counts as failed (as if the handler had raised) and the job is due again."""
    job_id = add_job(sessions, "test.echo", {})
    handed: list[bool] = []

    async def handle(job: JobView) -> dict[str, int]:
        handed.append(write_on_success(_marking(sessions, job.id, fails=True)))  # type: ignore[arg-type]
        return {"called": 1}

    worker = Worker(
        sessions,
        {"test.echo": handle},
        worker_id="w-retry",
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
        poll_interval=0.01,
    )
    asyncio.run(worker.run_until_idle())
    assert handed and all(handed)
    job = load_job(sessions, job_id)
    assert job.status != "succeeded" and job.payload == {}  # nothing of the write kept
    with sessions() as session:
        first = session.execute(
            select(JobAttempt.outcome, JobAttempt.error).order_by(JobAttempt.number)
        ).first()
    assert first is not None
    assert first.outcome == "transient" and "cannot be stored" in (first.error or "")


def test_tries_that_fail_in_a_batch_are_set_aside_in_one_more_pass(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    """However many tries of a batch fail (races), the batch is written at most twice:
    after the first failure the rest is written again with a savepoint per try, and
    each one failing there is set aside and recorded alone — not the batch rewritten
    once per failure."""
    db = WorkerDB(sessions, sessions, worker_id="w-races", lease_seconds=60, clock=utcnow)
    ids = [add_job(sessions, "test.echo", {"n": n}) for n in range(6)]
    failing = {1, 3, 4}  # their results cannot be stored as JSON
    transactions: list[int] = []

    def count(*_: object) -> None:
        transactions.append(1)

    async def main() -> list[bool | BaseException]:
        jobs = {j.id: j for j in await db.claim(10, ["test.echo"], ())}
        started = time.perf_counter()
        event.listen(engine, "checkout", count)
        return await asyncio.gather(
            *(
                db.settle(jobs[i], _settled({n} if n in failing else n), started, begin_exchange())
                for n, i in enumerate(ids)
            ),
            return_exceptions=True,
        )

    outcomes = asyncio.run(main())
    event.remove(engine, "checkout", count)
    for n, outcome in enumerate(outcomes):
        assert isinstance(outcome, Exception) if n in failing else outcome is True
    statuses = [load_job(sessions, i).status for i in ids]
    assert statuses == ["running" if n in failing else "succeeded" for n in range(6)]
    # The batch (rolled back at the second try), that try alone, the rest again with
    # savepoints (the two failing there set aside), each of those alone: 2 + 3.
    # Rewriting the batch after each failure took 2 x 3 + 1.
    assert len(transactions) == 2 + len(failing)


def test_a_write_that_needs_a_session_is_recorded_alone_on_one(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    """On a SQLite file the batch is written without a Session; a try's write that
    needs one refuses there (``NeedsSession``) and is written alone, on a Session,
    with its settle; the rest of the batch is kept. PostgreSQL writes on a Session."""
    db = WorkerDB(sessions, sessions, worker_id="w-orm", lease_seconds=60, clock=utcnow)
    ids = [add_job(sessions, "test.echo", {"n": n}) for n in range(3)]
    given: list[str] = []

    def orm_only(job_id: int) -> object:
        def write(tx: object) -> None:
            given.append(type(tx).__name__)
            if not isinstance(tx, Session):
                raise NeedsSession("an ORM write")
            tx.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(payload={"orm": 1}))

        return write

    async def main() -> list[bool | BaseException]:
        jobs = {j.id: j for j in await db.claim(10, ["test.echo"], ())}
        started = time.perf_counter()
        settlements = [
            replace(_settled(n), writes=(orm_only(i) if n == 1 else _marking(sessions, i),))  # type: ignore[arg-type]
            for n, i in enumerate(ids)
        ]
        return await asyncio.gather(
            *(
                db.settle(jobs[i], s, started, begin_exchange())
                for i, s in zip(ids, settlements, strict=True)
            ),
            return_exceptions=True,
        )

    assert asyncio.run(main()) == [True, True, True]
    jobs = [load_job(sessions, i) for i in ids]
    assert [j.status for j in jobs] == ["succeeded"] * 3
    assert [j.payload for j in jobs] == [{"written": True}, {"orm": 1}, {"written": True}]
    if engine.dialect.name == "sqlite":
        assert given == ["DirectTransaction", "Session"]
    else:
        assert given == ["Session"]
