"""Circuit breaker states and the token-bucket rate limiter, on a hand-driven clock."""

from __future__ import annotations

import asyncio

import pytest

from orderbridge.messaging.breaker import CircuitBreaker, CircuitState, RateLimiter


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _breaker(ticks: Ticks, **options: float) -> CircuitBreaker:
    settings: dict[str, float] = {
        "failure_rate": 0.5,
        "minimum_calls": 10,
        "window_seconds": 30,
        "cooldown_seconds": 10,
        "half_open_calls": 3,
    } | options
    return CircuitBreaker(
        failure_rate=settings["failure_rate"],
        minimum_calls=int(settings["minimum_calls"]),
        window_seconds=settings["window_seconds"],
        cooldown_seconds=settings["cooldown_seconds"],
        half_open_calls=int(settings["half_open_calls"]),
        clock=ticks,
    )


def _calls(breaker: CircuitBreaker, pattern: str, connection: str = "c") -> None:
    """Record one call per character: ``F`` failed, ``s`` succeeded, ``p`` permanent."""
    for outcome in pattern:
        if outcome == "F":
            breaker.record_failure(connection)
        elif outcome == "s":
            breaker.record_success(connection)
        else:
            breaker.record_neutral(connection)


def test_a_partly_failing_connection_keeps_its_circuit_closed() -> None:
    """One call in five failing (a POS answering 20% 503s) never opens the circuit,
    however long it goes on, and however the failures bunch up (five in a row too)."""
    ticks = Ticks()
    breaker = _breaker(ticks)
    for second in range(300):
        ticks.now = float(second)
        _calls(breaker, "FFFFFsssssssssssssssssss" if second % 7 == 3 else "Fssss")
        assert breaker.state("c") is CircuitState.CLOSED
    # The window is seconds 270…299: 26 ordinary seconds and 4 bad ones (276, 283, …).
    assert breaker.failure_share("c") == (26 + 4 * 5, 26 * 5 + 4 * 24)


def test_a_connection_that_is_down_opens_after_the_minimum_calls() -> None:
    ticks = Ticks()
    breaker = _breaker(ticks)
    _calls(breaker, "F" * 9)
    assert breaker.state("c") is CircuitState.CLOSED  # too few calls to judge
    _calls(breaker, "F")
    assert breaker.state("c") is CircuitState.OPEN
    assert not breaker.allow("c")
    assert breaker.blocked() == {"c"}
    assert breaker.allow("other")
    assert breaker.failure_share("c") == (0, 0)  # the window starts over


def test_the_defaults_tolerate_half_the_calls_failing_and_open_on_a_down_pos() -> None:
    """Default settings: a POS failing every other call (in bunches of three too) never
    opens the circuit — its orders still arrive within a retry or two — while a POS
    failing every call opens it at the tenth."""
    ticks = Ticks()
    breaker = CircuitBreaker(clock=ticks)
    for second in range(600):
        ticks.now = float(second)
        _calls(breaker, "FFFsss" if second % 5 else "FsFsFsFsFs")
        assert breaker.state("c") is CircuitState.CLOSED
    _calls(breaker, "F" * 9, connection="down")
    assert breaker.state("down") is CircuitState.CLOSED
    _calls(breaker, "F", connection="down")
    assert breaker.state("down") is CircuitState.OPEN


def test_the_rate_counts_only_the_window() -> None:
    """Failures older than the window are forgotten: 6 old failures plus 4 new ones
    among 10 calls would open the circuit, but the old ones left the window."""
    ticks = Ticks()
    breaker = _breaker(ticks, window_seconds=30)
    _calls(breaker, "FFFFFF")
    ticks.now = 30.0  # the first second's bucket is out of (0, 30]
    _calls(breaker, "ssss")
    _calls(breaker, "FFFF")
    assert breaker.failure_share("c") == (4, 8)
    assert breaker.state("c") is CircuitState.CLOSED
    _calls(breaker, "ss")  # 4 of 10: below half
    assert breaker.state("c") is CircuitState.CLOSED
    _calls(breaker, "FF")  # 6 of 12: half
    assert breaker.state("c") is CircuitState.OPEN


def test_half_open_lets_a_few_trials_through_and_a_majority_decides() -> None:
    ticks = Ticks()
    breaker = _breaker(ticks, minimum_calls=1, half_open_calls=3)
    _calls(breaker, "F")
    assert breaker.state("c") is CircuitState.OPEN
    ticks.now = 10.0
    assert breaker.state("c") is CircuitState.HALF_OPEN
    assert breaker.blocked() == set()
    assert [breaker.allow("c") for _ in range(4)] == [True, True, True, False]
    assert breaker.blocked() == {"c"}  # every trial slot is taken
    _calls(breaker, "F")  # one trial failed: not yet a majority
    assert breaker.state("c") is CircuitState.HALF_OPEN
    _calls(breaker, "F")  # two of three: open for another cool-down
    assert breaker.state("c") is CircuitState.OPEN
    _calls(breaker, "s")  # the last trial ends late: not counted
    assert breaker.state("c") is CircuitState.OPEN
    ticks.now = 20.0
    assert [breaker.allow("c") for _ in range(3)] == [True, True, True]
    _calls(breaker, "sF")
    assert breaker.state("c") is CircuitState.HALF_OPEN
    _calls(breaker, "s")  # two of three worked
    assert breaker.state("c") is CircuitState.CLOSED
    assert breaker.failure_share("c") == (0, 0)


def test_a_single_trial_decides_alone_when_configured_so() -> None:
    ticks = Ticks()
    breaker = _breaker(ticks, minimum_calls=1, half_open_calls=1)
    _calls(breaker, "F")
    ticks.now = 10.0
    assert (breaker.allow("c"), breaker.allow("c")) == (True, False)
    _calls(breaker, "F")
    assert breaker.state("c") is CircuitState.OPEN
    ticks.now = 20.0
    assert breaker.allow("c")
    _calls(breaker, "s")
    assert breaker.state("c") is CircuitState.CLOSED


def test_results_arriving_while_open_do_not_move_the_circuit() -> None:
    """Calls that started before the circuit opened end during the cool-down."""
    ticks = Ticks()
    breaker = _breaker(ticks, minimum_calls=2)
    _calls(breaker, "FF")
    _calls(breaker, "sssF")
    assert breaker.state("c") is CircuitState.OPEN
    ticks.now = 10.0
    assert breaker.state("c") is CircuitState.HALF_OPEN
    _calls(breaker, "ssss")  # no trial was let through: nothing to decide
    assert breaker.state("c") is CircuitState.HALF_OPEN


def test_permanent_errors_do_not_move_the_circuit() -> None:
    ticks = Ticks()
    breaker = _breaker(ticks, minimum_calls=2, half_open_calls=1)
    _calls(breaker, "pppppF")
    assert breaker.failure_share("c") == (1, 1)  # permanent errors are not calls here
    _calls(breaker, "F")
    ticks.now = 10.0
    assert breaker.allow("c")
    _calls(breaker, "p")  # the trial call was rejected as invalid
    assert breaker.state("c") is CircuitState.HALF_OPEN
    assert breaker.allow("c")  # another trial may go


def test_a_trial_that_never_reports_frees_its_slot_after_the_probe_timeout() -> None:
    ticks = Ticks()
    breaker = CircuitBreaker(
        minimum_calls=1,
        half_open_calls=1,
        cooldown_seconds=10,
        probe_timeout_seconds=60,
        clock=ticks,
    )
    _calls(breaker, "F")
    ticks.now = 10.0
    assert breaker.allow("c")
    ticks.now = 69.0
    assert breaker.blocked() == {"c"}
    ticks.now = 71.0
    assert breaker.blocked() == set()
    assert breaker.allow("c")


def test_bad_settings_are_refused() -> None:
    for options in ({"failure_rate": 0}, {"failure_rate": 1.5}, {"minimum_calls": 0}):
        with pytest.raises(ValueError):
            _breaker(Ticks(), **options)


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
