"""The worker's ``on_dead`` hook runs in the transaction that buries the job: both are
stored together or not at all, and a hook that is broken never keeps a job alive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.attempts import Settlement
from orderbridge.messaging.errors import PermanentError, TransientError
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.worker import Worker
from orderbridge.storage.tables import Tenant

from .helpers import add_job, load_job, run


async def _refuse(job: JobView) -> dict[str, Any]:
    raise PermanentError("unknown_product", "product 42 is not on the menu")


def _worker(sessions: sessionmaker[Session], **hooks: Any) -> Worker:
    return Worker(
        sessions,
        {"order.submit": _refuse},
        worker_id="w-test",
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
        poll_interval=0.01,
        **hooks,
    )


def _tenants(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Tenant.name)))


def test_the_hook_sees_the_dead_job_and_writes_in_its_transaction(
    sessions: sessionmaker[Session],
) -> None:
    seen: list[tuple[int, str | None, str | None]] = []

    def on_dead(session: Session, job: JobView, settlement: Settlement, now: datetime) -> None:
        seen.append((job.id, settlement.code, settlement.error))
        session.add(Tenant(id="t1", name="hooked", created_at=now))
        session.flush()

    job_id = add_job(sessions, "order.submit", {"order_id": "ord_1"})
    run(_worker(sessions, on_dead=on_dead).run_until_idle())
    assert load_job(sessions, job_id).status == "dead"
    assert seen == [(job_id, "unknown_product", "unknown_product: product 42 is not on the menu")]
    assert _tenants(sessions) == ["hooked"]


def test_a_hook_that_keeps_losing_races_leaves_the_job_to_be_tried_again(
    sessions: sessionmaker[Session],
) -> None:
    """Nothing is buried without its consequences: the settle rolls back whole."""
    calls = {"n": 0}

    def on_dead(session: Session, job: JobView, settlement: Settlement, now: datetime) -> None:
        calls["n"] += 1
        session.add(Tenant(id=f"t{calls['n']}", name="lost", created_at=now))
        session.flush()
        raise TransientError("the order changed under us")

    job_id = add_job(sessions, "order.submit", {"order_id": "ord_1"})
    worker = _worker(sessions, on_dead=on_dead)
    run(worker.run_until_idle())
    job = load_job(sessions, job_id)
    assert (job.status, job.lease_owner) == ("running", "w-test")  # its lease will lapse
    assert calls["n"] == 3
    assert _tenants(sessions) == []


def test_a_broken_hook_does_not_keep_the_job_from_dying(sessions: sessionmaker[Session]) -> None:
    def on_dead(session: Session, job: JobView, settlement: Settlement, now: datetime) -> None:
        raise KeyError("a bug")

    job_id = add_job(sessions, "order.submit", {"order_id": "ord_1"})
    run(_worker(sessions, on_dead=on_dead).run_until_idle())
    assert load_job(sessions, job_id).status == "dead"


def test_jobs_that_succeed_or_retry_do_not_call_the_hook(sessions: sessionmaker[Session]) -> None:
    calls: list[int] = []
    tries = {"n": 0}

    async def flaky(job: JobView) -> dict[str, Any]:
        tries["n"] += 1
        if tries["n"] == 1:
            raise TransientError("once")
        return {}

    def on_dead(session: Session, job: JobView, settlement: Settlement, now: datetime) -> None:
        calls.append(job.id)

    job_id = add_job(sessions, "order.submit", {"order_id": "ord_1"})
    worker = Worker(
        sessions,
        {"order.submit": flaky},
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
        poll_interval=0.01,
        on_dead=on_dead,
    )
    run(worker.run_until_idle())
    assert load_job(sessions, job_id).status == "succeeded"
    assert calls == []
