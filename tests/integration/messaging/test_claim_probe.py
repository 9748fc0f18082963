"""The cheap "anything to claim?" probe and the prebuilt claim statements.

The probe may say yes when the claim then finds nothing, but it must never say no when
a claim at the same moment would take a job: an idle worker would sit on due work.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging import statements
from orderbridge.messaging.outbox import JobView, claim, might_claim
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.messaging.worker import Worker
from orderbridge.storage.db import make_engine, read_only, session_factory
from orderbridge.storage.migrate import upgrade

from .helpers import T0, FakeClock, add_job, load_attempts, load_job, run


def _probe(
    sessions: sessionmaker[Session], now: datetime, kinds: Collection[str] | None = None
) -> bool:
    with sessions() as session, session.begin():
        return might_claim(session, now, kinds=kinds)


def _would_claim(
    sessions: sessionmaker[Session],
    now: datetime,
    *,
    kinds: Collection[str] | None = None,
    skip_connections: Collection[str] = (),
) -> list[int]:
    """What a claim at ``now`` would take, rolled back so the jobs stay as they are."""
    with sessions() as session:
        session.begin()
        try:
            jobs = claim(session, "w", 100, 30, now, kinds=kinds, skip_connections=skip_connections)
        finally:
            session.rollback()
    return sorted(job.id for job in jobs)


def _set(sessions: sessionmaker[Session], job_id: int, **values: object) -> None:
    with sessions.begin() as session:
        session.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(**values))


def test_the_probe_sees_a_due_pending_job_but_not_a_future_one(
    sessions: sessionmaker[Session],
) -> None:
    assert not _probe(sessions, T0)
    add_job(sessions, now=T0, run_after=T0 + timedelta(minutes=5))
    assert not _probe(sessions, T0)
    assert _probe(sessions, T0 + timedelta(minutes=5))


def test_the_probe_sees_an_expired_lease_but_not_a_live_one(
    sessions: sessionmaker[Session],
) -> None:
    job_id = add_job(sessions, now=T0)
    with sessions.begin() as session:
        [job] = claim(session, "dies", 10, 30, T0)
    assert job.id == job_id
    assert not _probe(sessions, T0 + timedelta(seconds=29))
    assert _probe(sessions, T0 + timedelta(seconds=31))
    assert _would_claim(sessions, T0 + timedelta(seconds=31)) == [job_id]


def test_the_probe_says_nothing_when_only_finished_jobs_exist(
    sessions: sessionmaker[Session],
) -> None:
    done, dead = add_job(sessions, now=T0), add_job(sessions, now=T0)
    _set(sessions, done, status=JobStatus.SUCCEEDED.value)
    _set(sessions, dead, status=JobStatus.DEAD.value)
    later = T0 + timedelta(days=1)
    assert not _probe(sessions, later)
    assert _would_claim(sessions, later) == []


def test_the_probe_looks_only_at_the_workers_kinds(sessions: sessionmaker[Session]) -> None:
    add_job(sessions, "menu.publish", now=T0)
    assert _probe(sessions, T0)
    assert _probe(sessions, T0, kinds=["menu.publish", "order.submit"])
    assert not _probe(sessions, T0, kinds=["order.submit"])
    assert not _probe(sessions, T0, kinds=[])


def test_the_probe_over_approximates_a_key_held_by_an_earlier_job(
    sessions: sessionmaker[Session],
) -> None:
    first = add_job(sessions, key="order-1", now=T0, run_after=T0 + timedelta(hours=1))
    add_job(sessions, key="order-1", now=T0)
    assert _would_claim(sessions, T0) == []  # held back behind the first, not yet due
    assert _probe(sessions, T0)  # a yes that finds nothing is allowed
    assert _would_claim(sessions, T0 + timedelta(hours=1)) == [first]


def test_the_probe_never_says_no_when_a_claim_would_take_a_job(
    sessions: sessionmaker[Session],
) -> None:
    """Random queues, looked at from random moments: claim found a job ⇒ probe said yes."""
    rng = random.Random(20261123)
    kinds = ["order.submit", "webhook.deliver"]
    statuses = [s.value for s in JobStatus]
    disagreements = checked = 0
    for _round in range(12):
        with sessions.begin() as session:
            session.execute(update(OutboxJob).values(status=JobStatus.SUCCEEDED.value))
        for _ in range(rng.randint(1, 4)):
            job_id = add_job(
                sessions,
                rng.choice(kinds),
                key=rng.choice([None, "k1", "k2"]),
                connection_id=rng.choice([None, "c1", "c2"]),
                now=T0,
                run_after=T0 + timedelta(seconds=rng.randint(-60, 60)),
            )
            status = rng.choice(statuses)
            lease = T0 + timedelta(seconds=rng.randint(-60, 60))
            running = status == JobStatus.RUNNING.value
            _set(
                sessions,
                job_id,
                status=status,
                lease_owner="someone" if running else None,
                lease_expires_at=lease if running else None,
            )
        for _look in range(4):
            now = T0 + timedelta(seconds=rng.randint(-90, 90))
            wanted = rng.choice([None, kinds[:1], kinds])
            skip = rng.choice([(), ("c1",), ("c1", "c2")])
            found = _would_claim(sessions, now, kinds=wanted, skip_connections=skip)
            checked += bool(found)
            if found and not _probe(sessions, now, wanted):
                disagreements += 1
    assert checked > 0  # the scenarios did produce claimable jobs
    assert disagreements == 0


def test_claim_statements_are_kept_per_shape(sessions: sessionmaker[Session]) -> None:
    first = statements.claim_statement("sqlite", ("a", "b"), ())
    assert statements.claim_statement("sqlite", ("a", "b"), ()) is first
    assert statements.claim_statement("sqlite", ("a",), ()) is not first
    assert statements.claim_statement("sqlite", ("a", "b"), ("c1",)) is not first
    assert statements.claim_statement("postgresql", ("a", "b"), ()) is not first


def test_claims_of_different_kinds_and_open_circuits_each_get_their_own_jobs(
    sessions: sessionmaker[Session],
) -> None:
    menu_c1 = add_job(sessions, "menu.publish", connection_id="c1", now=T0)
    menu_c2 = add_job(sessions, "menu.publish", connection_id="c2", now=T0)
    order_c1 = add_job(sessions, "order.submit", connection_id="c1", now=T0)
    order_none = add_job(sessions, "order.submit", now=T0)
    everything = sorted([menu_c1, menu_c2, order_c1, order_none])
    # The same shapes in another order and repeated: each must still filter correctly.
    for _ in range(2):
        assert _would_claim(sessions, T0) == everything
        assert _would_claim(sessions, T0, kinds=["menu.publish"]) == [menu_c1, menu_c2]
        assert _would_claim(sessions, T0, kinds=["order.submit"]) == [order_c1, order_none]
        assert _would_claim(sessions, T0, kinds=["order.submit", "menu.publish"]) == everything
        assert _would_claim(sessions, T0, skip_connections={"c1"}) == [menu_c2, order_none]
        assert _would_claim(sessions, T0, skip_connections=["c2", "c1"]) == [order_none]
        assert _would_claim(sessions, T0, skip_connections={"c2"}) == sorted(
            [menu_c1, order_c1, order_none]
        )
        assert _would_claim(sessions, T0, kinds=["menu.publish"], skip_connections={"c2"}) == [
            menu_c1
        ]
        assert _would_claim(sessions, T0, kinds=[]) == []


def test_a_claim_returns_the_jobs_view_and_respects_the_limit(
    sessions: sessionmaker[Session],
) -> None:
    ids = [add_job(sessions, "order.submit", {"n": n}, key=f"o{n}", now=T0) for n in range(3)]
    with sessions.begin() as session:
        views = claim(session, "w1", 2, 30, T0)
    assert views == [
        JobView(
            id=ids[n],
            kind="order.submit",
            key=f"o{n}",
            payload={"n": n},
            attempt=1,
            connection_id=None,
            total_attempt=1,
            created_at=T0,
        )
        for n in range(2)
    ]
    job = load_job(sessions, ids[0])
    assert (job.lease_owner, job.lease_expires_at) == ("w1", T0 + timedelta(seconds=30))
    assert [(a.number, a.worker_id, a.started_at) for a in load_attempts(sessions, ids[1])] == [
        (1, "w1", T0)
    ]


def test_a_worker_with_a_read_only_probe_runs_due_and_abandoned_jobs(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    readers = session_factory(read_only(engine))
    clock = FakeClock()
    ran: list[int] = []

    async def handle(job: JobView) -> dict[str, int]:
        ran.append(job.id)
        return {"ok": job.id}

    fresh = add_job(sessions, now=T0)
    abandoned = add_job(sessions, now=T0)
    with sessions.begin() as session:
        claim(session, "died", 1, 30, T0, kinds=None)  # takes `fresh` (lower id first)
    worker = Worker(
        sessions,
        {"test.echo": handle},
        worker_id="w-probe",
        clock=clock,
        poll_interval=0.01,
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
        read_session_factory=readers,
    )
    assert run(worker.run_until_idle()) == 1
    assert ran == [abandoned]
    clock.advance(31)  # the dead worker's lease on `fresh` has run out
    assert run(worker.run_until_idle()) == 1
    assert ran == [abandoned, fresh]
    assert load_job(sessions, fresh).status == "succeeded"
    assert [a.outcome for a in load_attempts(sessions, fresh)] == ["crashed", "succeeded"]


def test_an_idle_worker_with_a_read_only_probe_does_not_wait_for_the_writer(
    tmp_path: Path,
) -> None:
    """SQLite: with a write transaction open elsewhere, the idle claim still returns."""
    url = f"sqlite:///{tmp_path / 'probe.db'}"
    upgrade(url)
    engine = make_engine(url, busy_timeout_ms=200)
    try:
        writers = session_factory(engine)
        add_job(writers, now=T0, run_after=T0 + timedelta(hours=1))  # not due yet

        async def handle(job: JobView) -> None:
            raise AssertionError("nothing is due")

        def worker(readers: sessionmaker[Session] | None) -> Worker:
            handlers = {"test.echo": handle}
            return Worker(writers, handlers, clock=lambda: T0, read_session_factory=readers)

        with writers() as holder, holder.begin():
            holder.connection()  # BEGIN IMMEDIATE: this process's writer lock is taken
            assert run(worker(session_factory(read_only(engine))).run_until_idle()) == 0
            with pytest.raises(OperationalError):  # without it, the claim queues and times out
                run(worker(None).run_until_idle())
    finally:
        engine.dispose()
