"""Enqueueing rides the caller's transaction; claiming is exclusive, ordered and leased."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.outbox import claim, enqueue, purge_succeeded, renew_leases
from orderbridge.messaging.tables import InboxEvent, JobAttempt, JobStatus, OutboxJob

from .helpers import T0, FakeClock, add_job, load_attempts, load_job


def _claim(
    sessions: sessionmaker[Session],
    worker: str,
    now: datetime = T0,
    *,
    limit: int = 10,
    kinds: Collection[str] | None = None,
    skip_connections: Collection[str] = (),
) -> list[int]:
    with sessions.begin() as session:
        jobs = claim(
            session, worker, limit, 30, now, kinds=kinds, skip_connections=skip_connections
        )
        return [job.id for job in jobs]


def test_enqueue_commits_and_rolls_back_with_the_callers_transaction(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, session.begin():
        session.add(InboxEvent(source="s", external_id="e", received_at=T0, payload={}, headers={}))
        enqueue(session, "order.submit", {"order": 1})
        session.rollback()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxJob)) == 0
    job_id = add_job(sessions, "order.submit", {"order": 2}, key="order-2", connection_id="c1")
    job = load_job(sessions, job_id)
    assert (job.status, job.payload, job.key, job.attempts) == (
        "pending",
        {"order": 2},
        "order-2",
        0,
    )


def test_two_claimers_never_get_the_same_job(sessions: sessionmaker[Session]) -> None:
    ids = {add_job(sessions, now=T0) for _ in range(6)}
    first = _claim(sessions, "w1", limit=4)
    second = _claim(sessions, "w2", limit=4)
    assert len(first) == 4 and len(second) == 2
    assert set(first) | set(second) == ids
    assert _claim(sessions, "w3") == []
    assert load_job(sessions, first[0]).lease_owner == "w1"
    assert [a.number for a in load_attempts(sessions, first[0])] == [1]


def test_jobs_with_one_key_run_one_at_a_time_in_order(sessions: sessionmaker[Session]) -> None:
    a1 = add_job(sessions, key="order-a", now=T0)
    a2 = add_job(sessions, key="order-a", now=T0)
    b1 = add_job(sessions, key="order-b", now=T0)
    free = add_job(sessions, now=T0)
    assert set(_claim(sessions, "w1")) == {a1, b1, free}
    assert _claim(sessions, "w2") == []  # a2 waits while a1 runs
    with sessions.begin() as session:
        session.get_one(OutboxJob, a1).status = JobStatus.SUCCEEDED
    assert _claim(sessions, "w2") == [a2]


def test_a_job_waiting_for_its_retry_holds_back_later_jobs_of_its_key(
    sessions: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    first = add_job(sessions, key="k", now=T0, run_after=T0.replace(hour=13))
    second = add_job(sessions, key="k", now=T0)
    assert _claim(sessions, "w1", clock()) == []
    clock.advance(3600)
    assert _claim(sessions, "w1", clock()) == [first]
    assert second not in _claim(sessions, "w1", clock())


def test_a_dead_workers_jobs_are_taken_over_after_the_lease(
    sessions: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    job_id = add_job(sessions, now=T0)
    assert _claim(sessions, "dies", clock()) == [job_id]
    clock.advance(29)
    assert _claim(sessions, "survivor", clock()) == []
    clock.advance(2)
    assert _claim(sessions, "survivor", clock()) == [job_id]
    job = load_job(sessions, job_id)
    assert (job.lease_owner, job.attempts, job.total_attempts) == ("survivor", 2, 2)
    attempts = load_attempts(sessions, job_id)
    assert [(a.number, a.worker_id, a.outcome) for a in attempts] == [
        (1, "dies", "crashed"),
        (2, "survivor", None),
    ]


def test_renewed_lease_keeps_the_job_and_a_lost_one_is_reported(
    sessions: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    job_id = add_job(sessions, now=T0)
    _claim(sessions, "w1", clock())
    clock.advance(25)
    with sessions.begin() as session:
        assert renew_leases(session, "w1", [job_id], 30, clock()) == {job_id}
    clock.advance(25)
    assert _claim(sessions, "w2", clock()) == []
    clock.advance(10)
    assert _claim(sessions, "w2", clock()) == [job_id]
    with sessions.begin() as session:
        assert renew_leases(session, "w1", [job_id], 30, clock()) == set()


def test_claim_filters_by_kind_and_skips_blocked_connections(
    sessions: sessionmaker[Session],
) -> None:
    mine = add_job(sessions, "menu.publish", now=T0)
    add_job(sessions, "other.kind", now=T0)
    down = add_job(sessions, "menu.publish", connection_id="down", now=T0)
    up = add_job(sessions, "menu.publish", connection_id="up", now=T0)
    got = _claim(sessions, "w", kinds=["menu.publish"], skip_connections={"down"})
    assert sorted(got) == sorted([mine, up])
    assert load_job(sessions, down).status == "pending"


def test_purge_removes_old_succeeded_jobs_with_their_attempts_only(
    sessions: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    done, dead, pending = (add_job(sessions, now=T0) for _ in range(3))
    _claim(sessions, "w", clock(), limit=2)
    with sessions.begin() as session:
        session.get_one(OutboxJob, done).status = JobStatus.SUCCEEDED
        session.get_one(OutboxJob, dead).status = JobStatus.DEAD
    clock.advance(8 * 86400)
    with sessions.begin() as session:
        assert purge_succeeded(session, older_than=timedelta(days=7), now=clock()) == 1
    with sessions() as session:
        left = set(session.scalars(select(OutboxJob.id)))
        attempt_jobs = set(session.scalars(select(JobAttempt.job_id)))
    assert left == {dead, pending}
    assert attempt_jobs == {dead}
