"""Per-connection protection: a circuit breaker and a token-bucket rate limiter.

**Circuit breaker.** When a POS or channel is down, hammering it with every queued job
only burns their attempts. After ``failure_threshold`` consecutive transient failures
on one connection its circuit *opens*: the worker stops claiming that connection's jobs.
After ``cooldown_seconds`` it is *half-open*: one trial call goes through; success
*closes* the circuit, failure opens it for another cool-down. Permanent errors say
nothing about the connection's health and leave the circuit alone.

**Rate limiter.** Poster answers error 700 when called too often; spacing calls is
cheaper than retrying them. Each connection has a bucket of ``burst`` tokens refilled at
``rate_per_second``; a call takes one token and waits while the bucket is empty.

Both live in the worker process's memory: each worker learns a connection's health for
itself, which needs no extra writes and keeps working when the database is the problem.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass


class CircuitState(enum.StrEnum):
    """Closed: calls flow. Open: calls wait. Half-open: one trial call decides."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None
    trial_running: bool = False


class CircuitBreaker:
    """Circuit state for every connection a worker talks to.

    >>> now = [0.0]
    >>> breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=30, clock=lambda: now[0])
    >>> breaker.record_failure("poster-1"); breaker.record_failure("poster-1")
    >>> breaker.state("poster-1"), breaker.allow("poster-1")
    (<CircuitState.OPEN: 'open'>, False)
    >>> now[0] = 31.0
    >>> breaker.allow("poster-1"), breaker.allow("poster-1")  # one trial at a time
    (True, False)
    >>> breaker.record_success("poster-1"); breaker.state("poster-1")
    <CircuitState.CLOSED: 'closed'>
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cooldown_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._circuits: dict[str, _Circuit] = {}

    def state(self, connection_id: str) -> CircuitState:
        """The connection's circuit state now."""
        circuit = self._circuits.get(connection_id)
        if circuit is None or circuit.opened_at is None:
            return CircuitState.CLOSED
        if self._clock() - circuit.opened_at < self.cooldown_seconds:
            return CircuitState.OPEN
        return CircuitState.HALF_OPEN

    def tripped(self, connection_id: str) -> bool:
        """Whether the circuit has opened and not closed since (open or half-open)."""
        circuit = self._circuits.get(connection_id)
        return circuit is not None and circuit.opened_at is not None

    def allow(self, connection_id: str) -> bool:
        """Whether a call may start now; a half-open circuit lets exactly one through."""
        state = self.state(connection_id)
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.OPEN:
            return False
        circuit = self._circuits[connection_id]
        if circuit.trial_running:
            return False
        circuit.trial_running = True
        return True

    def blocked(self) -> set[str]:
        """Connections that would refuse a call now (the worker skips their jobs)."""
        return {
            cid
            for cid, circuit in self._circuits.items()
            if circuit.opened_at is not None
            and (self.state(cid) is CircuitState.OPEN or circuit.trial_running)
        }

    def record_success(self, connection_id: str) -> None:
        """A call succeeded: the circuit closes and the failure count starts over."""
        self._circuits.pop(connection_id, None)

    def record_failure(self, connection_id: str) -> None:
        """A call failed transiently: count it, and open (or re-open) the circuit."""
        circuit = self._circuits.setdefault(connection_id, _Circuit())
        circuit.failures += 1
        if circuit.trial_running or circuit.failures >= self.failure_threshold:
            circuit.opened_at = self._clock()
        circuit.trial_running = False

    def record_neutral(self, connection_id: str) -> None:
        """A call ended in a way that says nothing about health (a permanent error)."""
        circuit = self._circuits.get(connection_id)
        if circuit is not None:
            circuit.trial_running = False


class RateLimiter:
    """A token bucket per connection: ``burst`` calls at once, ``rate_per_second`` after.

    >>> limiter = RateLimiter(rate_per_second=2, burst=1, clock=lambda: 0.0)
    >>> limiter.try_acquire("poster-1"), limiter.try_acquire("poster-1")
    (0.0, 0.5)
    """

    def __init__(
        self,
        *,
        rate_per_second: float = 5.0,
        burst: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be positive and burst at least 1")
        self.rate = rate_per_second
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def try_acquire(self, connection_id: str) -> float:
        """Take a token if there is one and return 0, else the seconds until there is one."""
        now = self._clock()
        tokens, stamp = self._buckets.get(connection_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - stamp) * self.rate)
        if tokens >= 1.0:
            self._buckets[connection_id] = (tokens - 1.0, now)
            return 0.0
        self._buckets[connection_id] = (tokens, now)
        return (1.0 - tokens) / self.rate

    async def acquire(self, connection_id: str) -> None:
        """Wait until the connection's bucket has a token, then take it."""
        while True:
            wait = self.try_acquire(connection_id)
            if wait <= 0:
                return
            await asyncio.sleep(wait)
