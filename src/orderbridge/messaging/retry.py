"""The retry schedule of outbox jobs: exponential back-off with full jitter.

After try ``n`` fails with a transient error, the next try waits a random time between
0 and ``min(cap, base * 2 ** (n - 1))`` ("full jitter": spreads a crowd of retries
evenly instead of in waves), but never less than the remote system's ``Retry-After``
hint. After ``max_attempts`` tries the job is a dead letter. With the defaults
(``base=5 s``, ``cap=15 min``, ``max_attempts=12``):

=======  ====================  ==================
attempt  next try within       cumulative (worst)
=======  ====================  ==================
1        0 – 5 s               5 s
2        0 – 10 s              15 s
3        0 – 20 s              35 s
4        0 – 40 s              75 s
5        0 – 80 s              ≈ 2.6 min
6        0 – 160 s             ≈ 5.3 min
7        0 – 320 s             ≈ 10.6 min
8        0 – 640 s             ≈ 21 min
9        0 – 15 min            ≈ 36 min
10       0 – 15 min            ≈ 51 min
11       0 – 15 min            ≈ 66 min
12       dead letter
=======  ====================  ==================

so an outage of up to about half an hour on average (66 minutes at worst) heals by
itself, and a longer one ends in the dead letters, from where one click replays it.

Tests switch the waiting off, as hynek/stamina does, with
``RetryPolicy.for_tests()`` (or ``testing=True``): every delay is zero, hints included,
while the attempt counting and dead-lettering stay exactly as in production.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a failed job again, and when to give up.

    >>> policy = RetryPolicy.for_tests(max_attempts=3)
    >>> policy.next_delay(1), policy.gives_up_after(3)
    (0.0, True)
    """

    base_seconds: float = 5.0
    cap_seconds: float = 900.0
    max_attempts: int = 12
    # A hint longer than this is taken as a misbehaving server, not as an instruction.
    max_retry_after_seconds: float = 3600.0
    testing: bool = False
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_seconds < 0 or self.cap_seconds < 0:
            raise ValueError("delays must not be negative")

    @classmethod
    def for_tests(cls, max_attempts: int = 3) -> RetryPolicy:
        """A policy with the production attempt limit logic and no waiting at all."""
        return cls(max_attempts=max_attempts, testing=True)

    def with_testing(self, testing: bool = True) -> RetryPolicy:
        """The same schedule with waiting switched off (or back on)."""
        return replace(self, testing=testing)

    def ceiling(self, attempt: int) -> float:
        """The longest back-off after try ``attempt`` fails (before any hint)."""
        if attempt < 1:
            raise ValueError("attempts are numbered from 1")
        # Cap the exponent before raising to avoid float overflow on silly attempt counts.
        exponent = min(attempt - 1, 60)
        return min(self.cap_seconds, self.base_seconds * 2.0**exponent)

    def next_delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after try ``attempt`` failed, honouring a ``Retry-After`` hint."""
        if self.testing:
            return 0.0
        delay = self.rng.uniform(0.0, self.ceiling(attempt))
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_retry_after_seconds))
        return delay

    def gives_up_after(self, attempt: int) -> bool:
        """Whether try ``attempt`` was the last one (a failure makes the job dead)."""
        return attempt >= self.max_attempts

    def schedule(self) -> list[tuple[int, float]]:
        """``(attempt, longest delay)`` for every try that is followed by another."""
        return [(n, self.ceiling(n)) for n in range(1, self.max_attempts)]
