"""Dead letters can be listed with filters and sent back to the queue."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.deadletters import (
    DeadLetterFilter,
    list_dead,
    retry_all,
    retry_dead,
)
from orderbridge.messaging.errors import PermanentError
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.worker import Worker

from .helpers import add_job, load_attempts, load_job, run


def _bury_everything(sessions: sessionmaker[Session], kinds: list[str]) -> None:
    async def reject(job: JobView) -> None:
        raise PermanentError("unknown_product", f"job {job.id}")

    worker = Worker(
        sessions,
        dict.fromkeys(kinds, reject),
        worker_id="w",
        poll_interval=0.01,
        retry_policy=RetryPolicy.for_tests(),
    )
    run(worker.run_until_idle())


def test_list_dead_letters_with_filters(sessions: sessionmaker[Session]) -> None:
    a = add_job(sessions, "order.submit", {"o": 1}, connection_id="poster-1", key="o1")
    b = add_job(sessions, "order.submit", {"o": 2}, connection_id="poster-2")
    c = add_job(sessions, "menu.publish", {}, connection_id="poster-1")
    add_job(sessions, "still.pending", {})
    _bury_everything(sessions, ["order.submit", "menu.publish"])
    with sessions() as session:
        assert {d.id for d in list_dead(session)} == {a, b, c}
        by_kind = list_dead(session, DeadLetterFilter(kind="order.submit"))
        by_conn = list_dead(session, DeadLetterFilter(connection_id="poster-1"))
        by_key = list_dead(session, DeadLetterFilter(key="o1"))
    assert {d.id for d in by_kind} == {a, b}
    assert {d.id for d in by_conn} == {a, c}
    [only] = by_key
    assert (only.id, only.payload, only.last_error) == (a, {"o": 1}, f"unknown_product: job {a}")


def test_retry_one_dead_letter_restarts_its_attempts_and_keeps_history(
    sessions: sessionmaker[Session],
) -> None:
    job_id = add_job(sessions, "order.submit", {})
    _bury_everything(sessions, ["order.submit"])
    with sessions.begin() as session:
        assert retry_dead(session, job_id)
        assert not retry_dead(session, job_id)  # no longer dead
    revived = load_job(sessions, job_id)
    assert (revived.status, revived.attempts, revived.total_attempts) == ("pending", 0, 1)

    async def accept(job: JobView) -> dict[str, int]:
        return {"attempt": job.attempt, "total": job.total_attempt}

    run(Worker(sessions, {"order.submit": accept}, worker_id="w").run_until_idle())
    assert load_job(sessions, job_id).result == {"attempt": 1, "total": 2}
    assert [(a.number, a.outcome) for a in load_attempts(sessions, job_id)] == [
        (1, "permanent"),
        (2, "succeeded"),
    ]


def test_retry_all_matching_dead_letters(sessions: sessionmaker[Session]) -> None:
    ids = [add_job(sessions, "order.submit", {}) for _ in range(3)]
    other = add_job(sessions, "menu.publish", {})
    _bury_everything(sessions, ["order.submit", "menu.publish"])
    with sessions.begin() as session:
        assert retry_all(session, DeadLetterFilter(kind="order.submit")) == 3
    assert {load_job(sessions, i).status for i in ids} == {"pending"}
    assert load_job(sessions, other).status == "dead"
