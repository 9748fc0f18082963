"""A handler about to make a non-repeatable call confirms its lease first.

The fence writes only when the lease this worker last wrote has lost more than
``FENCE_SLACK`` of its term (``messaging/worker_db.py``): a try that calls right after
its claim skips the write; a try that waited, or whose lease lapsed, is fenced."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.lease import confirm_lease
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import OutboxJob
from orderbridge.messaging.worker import Worker
from orderbridge.messaging.worker_db import FENCE_SLACK

from .helpers import T0, FakeClock, add_job, load_attempts, load_job, run

LEASE = 60.0


def _worker(
    sessions: sessionmaker[Session], handler: Any, clock: FakeClock | None = None
) -> Worker:
    return Worker(
        sessions,
        {"order.submit": handler},
        worker_id="w-fence",
        retry_policy=RetryPolicy.for_tests(max_attempts=1),
        poll_interval=0.01,
        lease_seconds=LEASE,
        clock=clock or FakeClock(),
    )


def _lease_end(sessions: sessionmaker[Session], job_id: int) -> float:
    """Seconds from T0 to the job's ``lease_expires_at`` as stored."""
    ends = load_job(sessions, job_id).lease_expires_at
    assert ends is not None
    return (ends.replace(tzinfo=T0.tzinfo) - T0).total_seconds()


def _fenced_after(sessions: sessionmaker[Session], seconds: float) -> list[float]:
    """Run one job whose handler waits ``seconds`` (on the worker's clock) and then
    fences; the lease end it saw in the database right after the fence."""
    clock = FakeClock()
    seen: list[float] = []

    async def handle(job: JobView) -> dict[str, Any]:
        clock.advance(seconds)
        await confirm_lease()
        seen.append(_lease_end(sessions, job.id))
        return {"created": True}

    job_id = add_job(sessions, "order.submit", {}, now=T0)
    run(_worker(sessions, handle, clock).run_until_idle())
    assert load_job(sessions, job_id).status == "succeeded"
    return seen


def test_a_fresh_lease_needs_no_fence_write(sessions: sessionmaker[Session]) -> None:
    """The claim just wrote a full lease: the fence leaves it as the claim wrote it."""
    seen = _fenced_after(sessions, 1.0)
    assert seen == [LEASE]  # claimed at T0 for LEASE seconds; not rewritten at T0 + 1


def test_a_lease_that_lost_more_than_the_slack_is_renewed_in_the_database(
    sessions: sessionmaker[Session],
) -> None:
    waited = LEASE * FENCE_SLACK + 1.0  # e.g. a look-up at the POS came first
    seen = _fenced_after(sessions, waited)
    assert seen == [waited + LEASE]  # renewed to a full term from the fence


def test_a_lapsed_lease_still_held_is_renewed_and_the_call_goes_ahead(
    sessions: sessionmaker[Session],
) -> None:
    seen = _fenced_after(sessions, LEASE + 5.0)
    assert seen == [2 * LEASE + 5.0]


def test_a_lease_taken_over_after_it_lapsed_stops_the_try(
    sessions: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    calls: list[int] = []

    async def handle(job: JobView) -> dict[str, Any]:
        clock.advance(LEASE + 1.0)  # the try stalled past its lease ...
        with sessions() as session, session.begin():  # ... and another worker took over
            session.execute(
                update(OutboxJob).where(OutboxJob.id == job.id).values(lease_owner="w-other")
            )
        await confirm_lease()
        calls.append(job.id)
        return {"created": True}

    job_id = add_job(sessions, "order.submit", {}, now=T0)
    run(_worker(sessions, handle, clock).run_until_idle())
    assert calls == []
    first = load_attempts(sessions, job_id)[0]
    assert "taken over" in (first.error or "")


def test_a_held_lease_is_extended_and_the_call_goes_ahead(
    sessions: sessionmaker[Session],
) -> None:
    calls: list[int] = []

    async def handle(job: JobView) -> dict[str, Any]:
        await confirm_lease()
        calls.append(job.id)
        return {"created": True}

    job_id = add_job(sessions, "order.submit", {}, now=T0)
    run(_worker(sessions, handle).run_until_idle())
    assert calls == [job_id]
    assert load_job(sessions, job_id).status == "succeeded"


def test_a_lease_taken_over_stops_the_try_before_the_call(
    sessions: sessionmaker[Session],
) -> None:
    calls: list[int] = []

    clock = FakeClock()

    async def handle(job: JobView) -> dict[str, Any]:
        # Another worker took the job over while this try was slow (its lease lapsed).
        clock.advance(LEASE * FENCE_SLACK + 1.0)
        with sessions() as session, session.begin():
            session.execute(
                update(OutboxJob).where(OutboxJob.id == job.id).values(lease_owner="w-other")
            )
        await confirm_lease()
        calls.append(job.id)  # the call that must not happen twice
        return {"created": True}

    job_id = add_job(sessions, "order.submit", {}, now=T0)
    run(_worker(sessions, handle, clock).run_until_idle())
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
    clock = FakeClock()

    async def handle(job: JobView) -> dict[str, Any]:
        # The same worker id took the job again as a new try (its lease had lapsed).
        clock.advance(LEASE + 1.0)
        with sessions() as session, session.begin():
            session.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job.id)
                .values(total_attempts=OutboxJob.total_attempts + 1)
            )
        await confirm_lease()
        calls.append(job.id)
        return {"created": True}

    add_job(sessions, "order.submit", {}, now=T0)
    run(_worker(sessions, handle, clock).run_until_idle())
    assert calls == []
