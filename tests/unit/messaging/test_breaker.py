"""Circuit breaker states and the token-bucket rate limiter, on a hand-driven clock."""

from __future__ import annotations

import asyncio

from orderbridge.messaging.breaker import CircuitBreaker, CircuitState, RateLimiter


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_circuit_opens_after_consecutive_failures_only() -> None:
    ticks = Ticks()
    breaker = CircuitBreaker(failure_threshold=3, cooldown_seconds=10, clock=ticks)
    breaker.record_failure("c")
    breaker.record_failure("c")
    breaker.record_success("c")  # the streak is broken
    breaker.record_failure("c")
    breaker.record_failure("c")
    assert breaker.state("c") is CircuitState.CLOSED
    breaker.record_failure("c")
    assert breaker.state("c") is CircuitState.OPEN
    assert not breaker.allow("c")
    assert breaker.blocked() == {"c"}
    assert breaker.allow("other")


def test_half_open_lets_one_trial_through_and_its_result_decides() -> None:
    ticks = Ticks()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=10, clock=ticks)
    breaker.record_failure("c")
    ticks.now = 10.0
    assert breaker.state("c") is CircuitState.HALF_OPEN
    assert breaker.blocked() == set()
    assert breaker.allow("c")
    assert not breaker.allow("c")  # the trial is running
    assert breaker.blocked() == {"c"}
    breaker.record_failure("c")  # trial failed: open for another cool-down
    assert breaker.state("c") is CircuitState.OPEN
    ticks.now = 20.0
    assert breaker.allow("c")
    breaker.record_success("c")
    assert breaker.state("c") is CircuitState.CLOSED


def test_permanent_errors_do_not_move_the_circuit() -> None:
    ticks = Ticks()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=10, clock=ticks)
    breaker.record_failure("c")
    ticks.now = 10.0
    assert breaker.allow("c")
    breaker.record_neutral("c")  # the trial call was rejected as invalid
    assert breaker.state("c") is CircuitState.HALF_OPEN
    assert breaker.allow("c")  # another trial may go


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    ticks = Ticks()
    limiter = RateLimiter(rate_per_second=2, burst=3, clock=ticks)
    assert [limiter.try_acquire("c") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.try_acquire("c") == 0.5
    ticks.now = 0.5
    assert limiter.try_acquire("c") == 0.0
    assert limiter.try_acquire("other") == 0.0  # buckets are per connection
    ticks.now = 100.0
    assert [limiter.try_acquire("c") for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]  # capped


def test_acquire_waits_for_a_token() -> None:
    limiter = RateLimiter(rate_per_second=20, burst=1)

    async def two_calls() -> float:
        loop = asyncio.get_running_loop()
        await limiter.acquire("c")
        began = loop.time()
        await limiter.acquire("c")
        return loop.time() - began

    assert asyncio.run(two_calls()) >= 0.04
