"""The worker's claim on SQLite runs on the DB-API connection, not a Session
(``messaging/direct_sqlite.py``), and gives what the Session's claim gave: the same
jobs, their payloads as documents and their times as aware UTC datetimes, retaken
jobs with their first try's time and the dead try closed as crashed. PostgreSQL
keeps its Session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.worker_db import WorkerDB

from .helpers import add_job, load_attempts, load_job, run

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _db(sessions: sessionmaker[Session], worker_id: str, now: datetime) -> WorkerDB:
    return WorkerDB(sessions, sessions, worker_id=worker_id, lease_seconds=30, clock=lambda: now)


def test_a_claim_on_sqlite_opens_no_session_and_reads_its_jobs_as_a_session_would(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    payload = {"order_id": "ord_1", "lines": [{"qty": 2, "note": "ünïcode"}], "n": 1.5}
    first = add_job(sessions, "x", payload, key="ord_1", connection_id="con_1", now=T0)
    busy = add_job(sessions, "x", {"n": 2}, now=T0)
    begins: list[object] = []

    def count(conn: object) -> None:
        begins.append(conn)

    event.listen(engine, "begin", count)
    try:
        jobs = run(_db(sessions, "w1", T0).claim(5, ["x"], (), probe=False, in_flight=[busy]))
    finally:
        event.remove(engine, "begin", count)
    assert len(begins) == (0 if engine.dialect.name == "sqlite" else 1)
    [job] = jobs  # ``busy`` is in flight at this worker: left alone
    assert (job.id, job.kind, job.key, job.connection_id) == (first, "x", "ord_1", "con_1")
    assert job.payload == payload
    assert (job.attempt, job.total_attempt, job.first_try_at) == (1, 1, None)
    assert job.created_at == T0 and job.created_at.tzinfo is not None
    stored = load_job(sessions, first)
    assert (stored.status, stored.lease_owner) == ("running", "w1")
    assert stored.lease_expires_at == T0 + timedelta(seconds=30)
    [attempt] = load_attempts(sessions, first)
    assert (attempt.number, attempt.worker_id, attempt.started_at) == (1, "w1", T0)


def test_a_job_retaken_on_sqlite_knows_its_first_try_and_closes_the_dead_one(
    sessions: sessionmaker[Session],
) -> None:
    ids = [add_job(sessions, "x", {"n": n}, now=T0) for n in range(2)]
    assert len(run(_db(sessions, "w1", T0).claim(5, ["x"], (), probe=False))) == 2
    later = T0 + timedelta(seconds=31)  # w1's leases lapsed: it died mid-try
    retaken = run(_db(sessions, "w2", later).claim(5, ["x"], (), probe=False))
    assert [(j.id, j.total_attempt, j.first_try_at) for j in retaken] == [
        (ids[0], 2, T0),
        (ids[1], 2, T0),
    ]
    for job_id in ids:
        dead, new = load_attempts(sessions, job_id)
        assert (dead.worker_id, dead.outcome) == ("w1", "crashed")
        assert (new.worker_id, new.outcome, new.started_at) == ("w2", None, later)
