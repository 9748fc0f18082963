"""Circuit breaker and rate limiter as the worker applies them to a connection."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.breaker import CircuitBreaker, CircuitState, RateLimiter
from orderbridge.messaging.errors import TransientError
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.worker import Worker

from .helpers import add_job, load_attempts, load_job, run


def test_open_circuit_parks_a_connections_jobs_until_the_trial_call(
    sessions: sessionmaker[Session],
) -> None:
    ticks = [0.0]
    breaker = CircuitBreaker(
        minimum_calls=2, half_open_calls=1, cooldown_seconds=30, clock=lambda: ticks[0]
    )
    healthy = {"down": False}

    async def call(job: JobView) -> dict[str, Any]:
        if job.connection_id == "down" and not healthy["down"]:
            raise TransientError("connection refused")
        return {"ok": True}

    down = add_job(sessions, "call", {}, connection_id="down")
    up = add_job(sessions, "call", {}, connection_id="up")
    worker = Worker(
        sessions,
        {"call": call},
        worker_id="w",
        concurrency=1,
        poll_interval=0.01,
        retry_policy=RetryPolicy.for_tests(max_attempts=10),
        breaker=breaker,
    )
    run(worker.run_until_idle())
    assert breaker.state("down") is CircuitState.OPEN
    assert load_job(sessions, up).status == "succeeded"
    parked = load_job(sessions, down)
    assert (parked.status, parked.attempts) == ("pending", 2)  # not burning attempts

    ticks[0] = 31.0
    healthy["down"] = True
    run(worker.run_until_idle())
    assert breaker.state("down") is CircuitState.CLOSED
    assert [a.outcome for a in load_attempts(sessions, down)] == [
        "transient",
        "transient",
        "succeeded",
    ]


def test_a_partly_failing_connection_keeps_its_jobs_flowing(
    sessions: sessionmaker[Session],
) -> None:
    """A POS failing every fifth call (in a burst of five failures once, too) leaves the
    default breaker closed: every job is done, none waits for a cool-down. With the old
    rule (five failures in a row) the burst would have parked the connection."""
    ticks = [0.0]
    breaker = CircuitBreaker(clock=lambda: ticks[0])
    calls = {"n": 0}

    async def call(job: JobView) -> dict[str, Any]:
        calls["n"] += 1
        n = calls["n"]
        if n % 5 == 0 or 21 <= n <= 25:
            raise TransientError("Poster answered HTTP 503")
        return {"ok": True}

    jobs = [add_job(sessions, "call", {}, connection_id="flaky") for _ in range(60)]
    worker = Worker(
        sessions,
        {"call": call},
        worker_id="w",
        concurrency=4,
        poll_interval=0.01,
        retry_policy=RetryPolicy.for_tests(max_attempts=10),
        breaker=breaker,
    )
    run(worker.run_until_idle())
    assert breaker.state("flaky") is CircuitState.CLOSED
    assert {load_job(sessions, job).status for job in jobs} == {"succeeded"}
    failed, counted = breaker.failure_share("flaky")
    assert counted == calls["n"] and 0 < failed < counted / 2


def test_rate_limiter_spaces_calls_to_one_connection(sessions: sessionmaker[Session]) -> None:
    started: list[float] = []

    async def call(job: JobView) -> None:
        started.append(time.monotonic())
        return None

    for _ in range(4):
        add_job(sessions, "call", {}, connection_id="poster-1")
    worker = Worker(
        sessions,
        {"call": call},
        worker_id="w",
        concurrency=4,
        poll_interval=0.01,
        rate_limiter=RateLimiter(rate_per_second=10, burst=1),
    )
    run(worker.run_until_idle())
    assert len(started) == 4
    assert started[-1] - started[0] >= 0.25  # 3 gaps of 0.1 s, minus timer slack
