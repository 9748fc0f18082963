"""The worker turns handler outcomes into job states, one attempt row per try."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.attempts import record_exchange
from orderbridge.messaging.errors import PermanentError, TransientError
from orderbridge.messaging.metrics import MessagingMetrics, QueueDepthCollector
from orderbridge.messaging.outbox import JobView, claim
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.worker import Handler, Worker
from tests.patience import patience

from .helpers import T0, FakeClock, add_job, load_attempts, load_job, run


def _worker(sessions: sessionmaker[Session], handlers: Mapping[str, Handler], **kw: Any) -> Worker:
    kw.setdefault("retry_policy", RetryPolicy.for_tests(max_attempts=3))
    kw.setdefault("poll_interval", 0.01)
    return Worker(sessions, handlers, worker_id=kw.pop("worker_id", "w-test"), **kw)


def _failing(times: int, error: Exception) -> Handler:
    calls = {"n": 0}

    async def handle(job: JobView) -> dict[str, Any] | None:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return {"done_on": job.attempt}

    return handle


def test_success_stores_the_result_and_one_redacted_attempt_row(
    sessions: sessionmaker[Session],
) -> None:
    async def submit(job: JobView) -> dict[str, Any]:
        record_exchange(
            request={"phone": "+380501234567", "items": [1]}, response={"incoming_order_id": 9}
        )
        return {"pos_order_id": 9}

    job_id = add_job(sessions, "order.submit", {"order": 1})
    assert run(_worker(sessions, {"order.submit": submit}).run_until_idle()) == 1
    job = load_job(sessions, job_id)
    assert (job.status, job.result, job.lease_owner) == ("succeeded", {"pos_order_id": 9}, None)
    [attempt] = load_attempts(sessions, job_id)
    assert (attempt.outcome, attempt.worker_id) == ("succeeded", "w-test")
    assert attempt.duration_ms is not None and attempt.duration_ms >= 0
    assert attempt.request == {"phone": "[redacted]", "items": [1]}
    assert attempt.response == {"incoming_order_id": 9}


def test_transient_failures_are_retried_then_succeed(sessions: sessionmaker[Session]) -> None:
    job_id = add_job(sessions, "x", {})
    handler = _failing(2, TransientError("Poster answered 503"))
    assert run(_worker(sessions, {"x": handler}).run_until_idle()) == 3
    job = load_job(sessions, job_id)
    assert (job.status, job.attempts, job.result) == ("succeeded", 3, {"done_on": 3})
    outcomes = [(a.number, a.outcome) for a in load_attempts(sessions, job_id)]
    assert outcomes == [(1, "transient"), (2, "transient"), (3, "succeeded")]


def test_unexpected_exceptions_count_as_transient(sessions: sessionmaker[Session]) -> None:
    job_id = add_job(sessions, "x", {})
    run(_worker(sessions, {"x": _failing(1, KeyError("missing"))}).run_until_idle())
    attempts = load_attempts(sessions, job_id)
    assert [a.outcome for a in attempts] == ["transient", "succeeded"]
    assert attempts[0].error == "KeyError: 'missing'"


def test_permanent_failure_makes_a_dead_letter_at_once(sessions: sessionmaker[Session]) -> None:
    job_id = add_job(sessions, "x", {})
    handler = _failing(99, PermanentError("unknown_product", "product 42 is not on the menu"))
    assert run(_worker(sessions, {"x": handler}).run_until_idle()) == 1
    job = load_job(sessions, job_id)
    assert (job.status, job.last_error) == (
        "dead",
        "unknown_product: product 42 is not on the menu",
    )
    assert [a.outcome for a in load_attempts(sessions, job_id)] == ["permanent"]


def test_the_last_transient_failure_makes_a_dead_letter(sessions: sessionmaker[Session]) -> None:
    job_id = add_job(sessions, "x", {})
    run(_worker(sessions, {"x": _failing(99, TransientError("timeout"))}).run_until_idle())
    job = load_job(sessions, job_id)
    assert job.status == "dead"
    assert job.last_error == "timeout (gave up after 3 attempts)"
    assert [a.outcome for a in load_attempts(sessions, job_id)] == ["transient"] * 3


def test_retry_after_hint_and_schedule_decide_the_next_try(sessions: sessionmaker[Session]) -> None:
    clock = FakeClock()
    policy = RetryPolicy(base_seconds=5, cap_seconds=60, max_attempts=5)
    job_id = add_job(sessions, "x", {}, now=clock())
    worker = _worker(
        sessions,
        {"x": _failing(1, TransientError("429", retry_after=120))},
        clock=clock,
        retry_policy=policy,
    )
    assert run(worker.run_until_idle()) == 1
    job = load_job(sessions, job_id)
    assert job.status == "pending"
    assert clock() + timedelta(seconds=120) <= job.run_after <= clock() + timedelta(seconds=3600)
    clock.advance(119)
    assert run(worker.run_until_idle()) == 0
    clock.advance(job.run_after.timestamp() - clock().timestamp())
    assert run(worker.run_until_idle()) == 1
    assert load_job(sessions, job_id).status == "succeeded"


def test_jobs_of_one_key_never_overlap_and_keep_their_order(
    sessions: sessionmaker[Session],
) -> None:
    ids = [add_job(sessions, "x", {"n": n}, key="order-7") for n in range(5)]
    others = [add_job(sessions, "x", {"n": n}) for n in range(5)]
    seen: list[int] = []
    running: set[str | None] = set()

    async def handle(job: JobView) -> None:
        assert job.key is None or job.key not in running
        running.add(job.key)
        await asyncio.sleep(0.01)
        running.discard(job.key)
        seen.append(job.id)
        return None

    run(_worker(sessions, {"x": handle}, concurrency=4).run_until_idle())
    assert [i for i in seen if i in ids] == ids
    assert sorted(seen) == sorted(ids + others)


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait (without blocking the event loop) until ``condition()`` holds."""
    deadline = time.monotonic() + patience(30)
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.01)


def test_long_handler_keeps_its_lease_by_renewal(sessions: sessionmaker[Session]) -> None:
    """A handler running past its first lease keeps the job: the worker's renewals
    move the lease on, so another worker finds nothing to take.

    The database's clock is a fake one the handler moves: first to just before the
    first lease ends (then it waits for a renewal to extend the lease from there), then
    past that first end, where the job would be free without the renewal. Renewals run
    every third of the lease in real time, however slow the machine.
    """
    clock = FakeClock()
    lease = 0.6
    job_id = add_job(sessions, "slow", {}, now=clock())
    stolen: list[int] = []
    runs: list[int] = []

    def lease_end() -> datetime:
        expires = load_job(sessions, job_id).lease_expires_at
        assert expires is not None
        return expires

    def try_to_steal() -> None:
        with sessions.begin() as session:
            stolen.extend(j.id for j in claim(session, "thief", 10, 30, clock()))

    async def slow(job: JobView) -> None:
        runs.append(job.total_attempt)
        first_end = await asyncio.to_thread(lease_end)
        clock.advance(lease * 0.9)
        await _until(lambda: lease_end() > first_end, "a renewal of the lease")
        clock.advance(lease * 0.5)  # past the first lease's end
        assert clock() > first_end
        await asyncio.to_thread(try_to_steal)
        return None

    run(_worker(sessions, {"slow": slow}, lease_seconds=lease, clock=clock).run_until_idle())
    assert stolen == []
    assert runs == [1]
    assert load_job(sessions, job_id).status == "succeeded"
    assert [a.outcome for a in load_attempts(sessions, job_id)] == ["succeeded"]


def test_a_worker_never_takes_over_a_job_it_is_still_running(
    sessions: sessionmaker[Session],
) -> None:
    """Even when its own lease lapsed (its renewal was late), a worker does not claim
    the job it is running a second time: one handler call per claim."""
    clock = FakeClock()
    job_id = add_job(sessions, "slow", {}, now=clock())
    calls: list[int] = []
    claims_after_lapse: list[int] = []

    class Watched(Worker):
        async def _claim(self, limit: int, *, expecting: bool) -> list[JobView]:
            found = await super()._claim(limit, expecting=expecting)
            if calls and clock() > T0 + timedelta(seconds=30):
                claims_after_lapse.append(len(found))
            return found

    async def slow(job: JobView) -> None:
        calls.append(job.total_attempt)
        clock.advance(31)  # the lease (30 s, renewed every 10 s of real time) lapses
        deadline = time.monotonic() + patience(30)
        while len(claims_after_lapse) < 3:  # the worker's loop claims meanwhile
            assert time.monotonic() < deadline, "the worker stopped claiming"
            await asyncio.sleep(0.01)
        return None

    worker = Watched(
        sessions,
        {"slow": slow},
        worker_id="w-test",
        poll_interval=0.01,
        lease_seconds=30,
        clock=clock,
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
    )
    run(worker.run_until_idle())
    assert calls == [1]
    assert claims_after_lapse and set(claims_after_lapse) == {0}
    assert load_job(sessions, job_id).status == "succeeded"
    assert [a.outcome for a in load_attempts(sessions, job_id)] == ["succeeded"]


def test_stop_lets_running_handlers_finish_and_cancels_after_the_grace(
    sessions: sessionmaker[Session],
) -> None:
    finishes = add_job(sessions, "quick", {})
    hangs = add_job(sessions, "hang", {})

    async def scenario() -> None:
        started: set[str] = set()
        both_running = asyncio.Event()
        stopping = asyncio.Event()

        def arrived(kind: str) -> None:
            started.add(kind)
            if started == {"quick", "hang"}:
                both_running.set()

        async def quick(job: JobView) -> None:
            arrived("quick")
            await stopping.wait()  # still running when the worker is told to stop
            return None

        async def hang(job: JobView) -> None:
            arrived("hang")
            await asyncio.sleep(3600)
            return None

        # The grace is what the quick try needs to finish and be recorded, on a busy
        # machine too; the hanging one is cut when it is over.
        worker = _worker(sessions, {"quick": quick, "hang": hang}, grace_seconds=patience(2))
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(both_running.wait(), patience(30))
        worker.stop()
        stopping.set()
        await asyncio.wait_for(task, timeout=patience(30))

    run(scenario())
    assert load_job(sessions, finishes).status == "succeeded"
    cut = load_job(sessions, hangs)
    assert (cut.status, cut.lease_owner) == ("pending", None)
    assert [a.outcome for a in load_attempts(sessions, hangs)] == ["crashed"]


def test_metrics_count_attempts_and_queue_depth(sessions: sessionmaker[Session]) -> None:
    registry = CollectorRegistry()
    metrics = MessagingMetrics(registry)
    registry.register(QueueDepthCollector(sessions))
    add_job(sessions, "x", {})
    add_job(sessions, "later", {})
    run(
        _worker(
            sessions, {"x": _failing(1, TransientError("503"))}, metrics=metrics
        ).run_until_idle()
    )
    sample = registry.get_sample_value
    assert sample("orderbridge_job_attempts_total", {"kind": "x", "outcome": "transient"}) == 1
    assert sample("orderbridge_job_attempts_total", {"kind": "x", "outcome": "succeeded"}) == 1
    assert sample("orderbridge_job_latency_seconds_count", {"kind": "x"}) == 1
    assert sample("orderbridge_outbox_jobs", {"kind": "later", "status": "pending"}) == 1
    assert sample("orderbridge_outbox_jobs", {"kind": "x", "status": "succeeded"}) == 1


def test_a_dead_workers_job_is_finished_by_another_after_the_lease(
    sessions: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    job_id = add_job(sessions, "x", {}, now=clock())
    with sessions.begin() as session:
        claim(session, "crashed-worker", 10, 30, clock())  # ...and never comes back
    worker = _worker(sessions, {"x": _failing(0, TransientError())}, clock=clock)
    assert run(worker.run_until_idle()) == 0
    clock.advance(31)
    assert run(worker.run_until_idle()) == 1
    assert load_job(sessions, job_id).result == {"done_on": 2}
    attempts = [(a.worker_id, a.outcome) for a in load_attempts(sessions, job_id)]
    assert attempts == [("crashed-worker", "crashed"), ("w-test", "succeeded")]


def test_a_job_that_kills_every_worker_ends_dead_without_another_try(
    sessions: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    job_id = add_job(sessions, "x", {}, now=clock())
    for n in range(3):  # max_attempts of the test policy
        with sessions.begin() as session:
            claim(session, f"victim-{n}", 10, 30, clock())
        clock.advance(31)
    calls: list[int] = []

    async def handle(job: JobView) -> None:
        calls.append(job.id)
        return None

    run(_worker(sessions, {"x": handle}, clock=clock).run_until_idle())
    assert calls == []
    job = load_job(sessions, job_id)
    assert (job.status, job.last_error) == ("dead", "gave up: the last 3 tries never finished")
    assert [a.outcome for a in load_attempts(sessions, job_id)] == ["crashed"] * 4
