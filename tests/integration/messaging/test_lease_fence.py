"""A handler about to make a non-repeatable call confirms its lease first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.lease import confirm_lease
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import OutboxJob
from orderbridge.messaging.worker import Worker

from .helpers import add_job, load_job, run


def _worker(sessions: sessionmaker[Session], handler: Any) -> Worker:
    return Worker(
        sessions,
        {"order.submit": handler},
        worker_id="w-fence",
        retry_policy=RetryPolicy.for_tests(max_attempts=1),
        poll_interval=0.01,
        lease_seconds=60,
    )


def test_a_held_lease_is_extended_and_the_call_goes_ahead(
    sessions: sessionmaker[Session],
) -> None:
    calls: list[int] = []

    async def handle(job: JobView) -> dict[str, Any]:
        await confirm_lease()
        calls.append(job.id)
        return {"created": True}

    job_id = add_job(sessions, "order.submit", {})
    run(_worker(sessions, handle).run_until_idle())
    assert calls == [job_id]
    assert load_job(sessions, job_id).status == "succeeded"


def test_a_lease_taken_over_stops_the_try_before_the_call(
    sessions: sessionmaker[Session],
) -> None:
    calls: list[int] = []

    async def handle(job: JobView) -> dict[str, Any]:
        # Another worker took the job over while this try was slow (its lease lapsed).
        with sessions() as session, session.begin():
            session.execute(
                update(OutboxJob).where(OutboxJob.id == job.id).values(lease_owner="w-other")
            )
        await confirm_lease()
        calls.append(job.id)  # the call that must not happen twice
        return {"created": True}

    job_id = add_job(sessions, "order.submit", {})
    run(_worker(sessions, handle).run_until_idle())
    assert calls == []
    assert load_job(sessions, job_id).lease_owner == "w-other"


def test_outside_a_worker_confirming_does_nothing() -> None:
    run(confirm_lease())


def test_a_later_try_of_the_same_worker_id_stops_the_earlier_one(
    sessions: sessionmaker[Session],
) -> None:
    """The fence checks the try, not just the worker id: two processes configured with
    one worker id must not both pass it."""
    calls: list[int] = []

    async def handle(job: JobView) -> dict[str, Any]:
        # The same worker id took the job again as a new try (its lease had lapsed).
        with sessions() as session, session.begin():
            session.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job.id)
                .values(total_attempts=OutboxJob.total_attempts + 1)
            )
        await confirm_lease()
        calls.append(job.id)
        return {"created": True}

    add_job(sessions, "order.submit", {})
    run(_worker(sessions, handle).run_until_idle())
    assert calls == []
