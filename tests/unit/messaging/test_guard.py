"""The connection guard paces and counts only jobs that call their connection."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from orderbridge.messaging.breaker import CircuitBreaker, CircuitState, RateLimiter
from orderbridge.messaging.guard import ConnectionGuard
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.tables import AttemptOutcome

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _job(kind: str, connection_id: str | None = "con_pos") -> JobView:
    return JobView(1, kind, None, {}, 1, connection_id, 1, T0)


def _guard(now: list[float]) -> ConnectionGuard:
    return ConnectionGuard(
        CircuitBreaker(
            minimum_calls=1, half_open_calls=1, cooldown_seconds=10, clock=lambda: now[0]
        ),
        RateLimiter(rate_per_second=1, burst=1, clock=lambda: now[0]),
        frozenset({"inbox.poster"}),
    )


def test_unguarded_kinds_and_jobs_without_a_connection_take_no_rate_token() -> None:
    now = [0.0]
    guard = _guard(now)
    for job in (_job("inbox.poster"), _job("order.submit", None)):
        asyncio.run(guard.pace(job))
    assert guard.rate_limiter is not None
    assert guard.rate_limiter.try_acquire("con_pos") == 0.0  # the one token is still there


def test_an_unguarded_job_neither_takes_the_half_open_trial_nor_closes_the_circuit() -> None:
    now = [0.0]
    guard = _guard(now)
    guard.record(_job("order.submit"), AttemptOutcome.TRANSIENT)
    assert guard.blocked() == {"con_pos"}
    now[0] = 11.0  # cooldown over: half-open, one trial call allowed
    webhook = _job("inbox.poster")
    assert guard.admits(webhook)
    guard.record(webhook, AttemptOutcome.SUCCEEDED)
    assert guard.breaker is not None
    assert guard.breaker.state("con_pos") is CircuitState.HALF_OPEN
    assert guard.admits(_job("order.submit"))  # the trial is still the POS call's
    assert not guard.admits(_job("order.submit"))


def test_guarded_outcomes_drive_the_breaker() -> None:
    now = [0.0]
    guard = _guard(now)
    submit = _job("order.submit")
    assert guard.admits(submit)
    guard.record(submit, AttemptOutcome.TRANSIENT)
    assert not guard.admits(submit)


def test_record_says_when_a_circuit_opens_and_when_it_closes() -> None:
    now = [0.0]
    guard = _guard(now)
    submit = _job("order.submit")
    assert guard.record(submit, AttemptOutcome.TRANSIENT) is True  # opened
    now[0] = 11.0
    assert guard.admits(submit)  # the half-open trial …
    assert guard.record(submit, AttemptOutcome.TRANSIENT) is None  # … failed: still open
    now[0] = 22.0
    assert guard.admits(submit)
    assert guard.record(submit, AttemptOutcome.SUCCEEDED) is False  # closed
    assert guard.record(submit, AttemptOutcome.SUCCEEDED) is None
    assert guard.record(submit, AttemptOutcome.PERMANENT) is None


def test_the_first_success_on_a_connection_is_reported_once_per_opening() -> None:
    now = [0.0]
    guard = _guard(now)
    submit = _job("order.submit")
    assert guard.first_success(submit, AttemptOutcome.TRANSIENT) is None
    assert guard.first_success(submit, AttemptOutcome.SUCCEEDED) == "con_pos"
    assert guard.first_success(submit, AttemptOutcome.SUCCEEDED) is None
    assert guard.first_success(_job("inbox.poster"), AttemptOutcome.SUCCEEDED) is None
    guard.record(submit, AttemptOutcome.TRANSIENT)  # opens: the next success counts again
    assert guard.first_success(submit, AttemptOutcome.SUCCEEDED) == "con_pos"
