"""Settling and giving back a try: the attempt row is always the try's own, the job moves
only while its worker still holds the lease."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.attempts import Exchange, Settlement, release, settle
from orderbridge.messaging.inbox import record_inbound, with_inbox_ref
from orderbridge.messaging.outbox import JobView, claim
from orderbridge.messaging.tables import AttemptOutcome, InboxEvent, JobStatus

from .helpers import T0, add_job, load_attempts, load_job


def _claim_one(sessions: sessionmaker[Session], worker: str, now: datetime = T0) -> JobView:
    with sessions.begin() as session:
        [job] = claim(session, worker, 1, 30, now)
    return job


def _settle(
    sessions: sessionmaker[Session], job: JobView, worker: str, settlement: Settlement
) -> bool:
    exchange = Exchange(request={"path": "/orders"}, response={"status": 503})
    with sessions.begin() as session:
        return settle(session, job, worker, settlement, duration_ms=12, exchange=exchange, now=T0)


def test_success_keeps_the_result_and_closes_the_attempt(sessions: sessionmaker[Session]) -> None:
    add_job(sessions, now=T0)
    job = _claim_one(sessions, "w1")
    done = Settlement(AttemptOutcome.SUCCEEDED, JobStatus.SUCCEEDED, result={"pos_id": 7})
    assert _settle(sessions, job, "w1", done)
    row = load_job(sessions, job.id)
    assert (row.status, row.result, row.lease_owner, row.lease_expires_at) == (
        "succeeded",
        {"pos_id": 7},
        None,
        None,
    )
    assert row.last_error is None
    [attempt] = load_attempts(sessions, job.id)
    assert (attempt.outcome, attempt.duration_ms, attempt.error) == ("succeeded", 12, None)
    assert (attempt.request, attempt.response) == ({"path": "/orders"}, {"status": 503})


def test_a_retry_reschedules_and_keeps_the_error(sessions: sessionmaker[Session]) -> None:
    add_job(sessions, now=T0)
    job = _claim_one(sessions, "w1")
    later = T0 + timedelta(seconds=40)
    retry = Settlement(AttemptOutcome.TRANSIENT, JobStatus.PENDING, error="503", run_after=later)
    assert _settle(sessions, job, "w1", retry)
    row = load_job(sessions, job.id)
    assert (row.status, row.run_after, row.last_error) == ("pending", later, "503")
    assert row.result is None
    assert [(a.outcome, a.error) for a in load_attempts(sessions, job.id)] == [("transient", "503")]


def test_a_worker_that_lost_its_lease_closes_its_row_but_leaves_the_job(
    sessions: sessionmaker[Session],
) -> None:
    add_job(sessions, now=T0)
    old = _claim_one(sessions, "slow")
    new = _claim_one(sessions, "fast", T0 + timedelta(seconds=31))  # the lease had run out
    done = Settlement(AttemptOutcome.SUCCEEDED, JobStatus.SUCCEEDED, result={"late": True})
    assert not _settle(sessions, old, "slow", done)
    row = load_job(sessions, old.id)
    assert (row.status, row.lease_owner, row.result) == ("running", "fast", None)
    attempts = [(a.number, a.worker_id, a.outcome) for a in load_attempts(sessions, old.id)]
    assert attempts == [(1, "slow", "succeeded"), (2, "fast", None)]
    dead = Settlement(AttemptOutcome.PERMANENT, JobStatus.DEAD, error="refused")
    assert _settle(sessions, new, "fast", dead)
    assert load_job(sessions, old.id).status == "dead"


def test_release_gives_the_job_back_uncounted_only_to_its_owner(
    sessions: sessionmaker[Session],
) -> None:
    add_job(sessions, now=T0)
    job = _claim_one(sessions, "w1")
    soon = T0 + timedelta(seconds=5)
    with sessions.begin() as session:
        assert not release(session, job, "someone-else", soon)
    assert load_job(sessions, job.id).status == "running"
    assert len(load_attempts(sessions, job.id)) == 1
    with sessions.begin() as session:
        assert release(session, job, "w1", soon)
    row = load_job(sessions, job.id)
    assert (row.status, row.lease_owner, row.run_after) == ("pending", None, soon)
    assert (row.attempts, row.total_attempts) == (0, 0)
    assert load_attempts(sessions, job.id) == []
    again = _claim_one(sessions, "w2", soon)
    assert (again.attempt, again.total_attempt) == (1, 1)


def _inbound(sessions: sessionmaker[Session], external_id: str) -> dict[str, object]:
    """A stored inbox event and the payload of the job that handles it."""
    with sessions.begin() as session:
        assert record_inbound(session, "poster", external_id, {"object": "dish"}, now=T0)
    return with_inbox_ref({"object": "dish"}, "poster", external_id)


def _event(sessions: sessionmaker[Session], external_id: str) -> tuple[str, str | None]:
    with sessions() as session:
        row = session.scalars(select(InboxEvent).where(InboxEvent.external_id == external_id)).one()
        return row.status, row.error


def test_the_end_of_an_inbox_job_closes_its_event(sessions: sessionmaker[Session]) -> None:
    add_job(sessions, payload=_inbound(sessions, "done"), now=T0)
    add_job(sessions, payload=_inbound(sessions, "failed"), now=T0)
    add_job(sessions, payload=_inbound(sessions, "again"), now=T0)
    with sessions.begin() as session:
        done, failed, again = claim(session, "w1", 3, 30, T0)
    ok = Settlement(AttemptOutcome.SUCCEEDED, JobStatus.SUCCEEDED)
    dead = Settlement(AttemptOutcome.PERMANENT, JobStatus.DEAD, error="unknown product")
    retry = Settlement(
        AttemptOutcome.TRANSIENT, JobStatus.PENDING, error="503", run_after=T0 + timedelta(1)
    )
    for job, settlement in ((done, ok), (failed, dead), (again, retry)):
        assert _settle(sessions, job, "w1", settlement)
    assert _event(sessions, "done") == ("processed", None)
    assert _event(sessions, "failed") == ("failed", "unknown product")
    assert _event(sessions, "again") == ("received", None)  # still work to do


def test_a_lost_lease_leaves_the_event_to_the_new_owner(sessions: sessionmaker[Session]) -> None:
    add_job(sessions, payload=_inbound(sessions, "taken"), now=T0)
    job = _claim_one(sessions, "w1")
    _claim_one(sessions, "w2", now=T0 + timedelta(seconds=31))  # w1's lease lapsed
    ok = Settlement(AttemptOutcome.SUCCEEDED, JobStatus.SUCCEEDED)
    assert not _settle(sessions, job, "w1", ok)
    assert _event(sessions, "taken") == ("received", None)


def test_a_retaken_job_knows_when_its_first_try_began(sessions: sessionmaker[Session]) -> None:
    """What bounds a look-up after an uncertain try: nothing is older than the first."""
    add_job(sessions, now=T0)
    first = _claim_one(sessions, "w1")
    assert first.first_try_at is None
    later = T0 + timedelta(seconds=60)  # w1's lease lapsed: it crashed mid-try
    again = _claim_one(sessions, "w2", later)
    assert (again.total_attempt, again.first_try_at) == (2, T0)
    third = _claim_one(sessions, "w3", later + timedelta(seconds=60))
    assert (third.total_attempt, third.first_try_at) == (3, T0)
