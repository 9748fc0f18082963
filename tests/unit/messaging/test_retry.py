"""The retry schedule: documented ceilings, full jitter, hints, limits, test mode."""

from __future__ import annotations

import random

import pytest

from orderbridge.messaging.errors import PermanentError, TransientError
from orderbridge.messaging.retry import RetryPolicy


def test_default_schedule_is_the_documented_table() -> None:
    ceilings = [delay for _attempt, delay in RetryPolicy().schedule()]
    assert ceilings == [5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900]
    assert sum(ceilings) == 3975  # "66 minutes at worst" in the module docstring


def test_delays_are_fully_jittered_below_the_ceiling() -> None:
    policy = RetryPolicy(rng=random.Random(7))
    delays = [policy.next_delay(4) for _ in range(500)]
    assert all(0 <= d <= 40 for d in delays)
    assert min(delays) < 5 and max(delays) > 35  # spread over the whole range


def test_retry_after_hint_is_a_floor_but_not_unbounded() -> None:
    policy = RetryPolicy(rng=random.Random(1))
    assert all(policy.next_delay(1, retry_after=120) >= 120 for _ in range(50))
    assert policy.next_delay(1, retry_after=10**9) == policy.max_retry_after_seconds


def test_gives_up_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.gives_up_after(n) for n in (1, 2, 3)] == [False, False, True]


def test_test_mode_waits_for_nothing_but_still_gives_up() -> None:
    policy = RetryPolicy().with_testing()
    assert policy.next_delay(11, retry_after=3600) == 0.0
    assert policy.gives_up_after(12)
    assert RetryPolicy.for_tests(max_attempts=2).gives_up_after(2)


def test_huge_attempt_numbers_stay_at_the_cap() -> None:
    assert RetryPolicy().ceiling(10_000) == 900


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy().ceiling(0)
    with pytest.raises(ValueError):
        TransientError("x", retry_after=-1)


def test_error_classes_carry_what_the_worker_and_operator_need() -> None:
    assert TransientError("503", retry_after=30).retry_after == 30
    error = PermanentError("invalid_token", "Poster rejected the token")
    assert (error.code, error.reason, str(error)) == (
        "invalid_token",
        "Poster rejected the token",
        "invalid_token: Poster rejected the token",
    )
