"""Per-connection protection: a circuit breaker and a token-bucket rate limiter.

**Circuit breaker.** When a POS or channel is down, hammering it with every queued job
only burns their attempts. Each worker keeps, per connection, the outcomes of the
calls of the last ``window_seconds`` (in one-second buckets). Once the window holds at
least ``minimum_calls`` calls and the share of transient failures among them reaches
``failure_rate``, the circuit *opens*: the worker stops claiming that connection's
jobs. After ``cooldown_seconds`` it is *half-open*: up to ``half_open_calls`` trial
calls go through, and they decide by the same rule — as soon as enough of them failed
to reach ``failure_rate`` the circuit opens for another cool-down, as soon as enough
succeeded that it cannot, it *closes* with an empty window.

Why a rate and not a streak: a POS that answers 20% of calls with 503 still takes
four orders out of five, and with a streak threshold of five such a POS opens the
circuit every minute or so and then trickles one trial call per cool-down (the
measured figure was 0.3 orders/s). Counted as a rate, that POS never opens the
circuit, while a POS that is really down (every call failing) opens it after
``minimum_calls`` calls. The default rate is 0.8, not the usual 0.5: a POS failing
half its calls still takes every order within a retry or two, and measured
(``bench/pos_faults.py``) a breaker opening at 0.5 let 2 orders of 300 through in a
minute of 50% 503s. Several trial calls instead of one keep a single unlucky trial from
shutting a mostly working POS out for another cool-down.

Permanent errors say nothing about the connection's health and leave the circuit
alone. Results that arrive while the circuit is open (calls that started before it
opened) are not counted: the cool-down is the decision already taken.

**Rate limiter.** Poster answers error 700 when called too often; spacing calls is
cheaper than retrying them. Each connection has a bucket of ``burst`` tokens refilled at
``rate_per_second``; a call takes one token and waits while the bucket is empty.

Both live in the worker process's memory: each worker learns a connection's health for
itself, which needs no extra writes and keeps working when the database is the problem.
"""

from __future__ import annotations

import asyncio
import enum
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


class CircuitState(enum.StrEnum):
    """Closed: calls flow. Open: calls wait. Half-open: a few trial calls decide."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class _Window:
    """Call outcomes of the last few seconds, one ``[second, calls, failures]`` per bucket."""

    buckets: deque[list[int]] = field(default_factory=deque)
    calls: int = 0
    failures: int = 0

    def add(self, second: int, failed: bool, span: int) -> None:
        self.prune(second, span)
        if not self.buckets or self.buckets[-1][0] != second:
            self.buckets.append([second, 0, 0])
        bucket = self.buckets[-1]
        bucket[1] += 1
        bucket[2] += int(failed)
        self.calls += 1
        self.failures += int(failed)

    def prune(self, second: int, span: int) -> None:
        while self.buckets and self.buckets[0][0] <= second - span:
            _, calls, failures = self.buckets.popleft()
            self.calls -= calls
            self.failures -= failures


@dataclass
class _Circuit:
    window: _Window = field(default_factory=_Window)
    opened_at: float | None = None
    # Half-open bookkeeping: start times of the trial calls still running, and the
    # outcomes of those that ended.
    probes: list[float] = field(default_factory=list)
    probe_successes: int = 0
    probe_failures: int = 0


class CircuitBreaker:
    """Circuit state for every connection a worker talks to.

    >>> now = [0.0]
    >>> breaker = CircuitBreaker(
    ...     failure_rate=0.5, minimum_calls=4, window_seconds=30, cooldown_seconds=30,
    ...     half_open_calls=2, clock=lambda: now[0])
    >>> for ok in (True, False, True, False):  # 2 of 4 failed: 50% ≥ 50%
    ...     breaker.record_success("pos") if ok else breaker.record_failure("pos")
    >>> breaker.state("pos"), breaker.allow("pos")
    (<CircuitState.OPEN: 'open'>, False)
    >>> now[0] = 31.0
    >>> breaker.allow("pos"), breaker.allow("pos"), breaker.allow("pos")  # two trials
    (True, True, False)
    >>> breaker.record_success("pos"); breaker.record_success("pos")
    >>> breaker.state("pos")
    <CircuitState.CLOSED: 'closed'>
    """

    def __init__(
        self,
        *,
        failure_rate: float = 0.8,
        minimum_calls: int = 10,
        window_seconds: float = 60.0,
        cooldown_seconds: float = 30.0,
        half_open_calls: int = 3,
        probe_timeout_seconds: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < failure_rate <= 1:
            raise ValueError("failure_rate must be above 0 and at most 1")
        if minimum_calls < 1 or half_open_calls < 1 or window_seconds < 1:
            raise ValueError("minimum_calls, half_open_calls and window_seconds must be ≥ 1")
        self.failure_rate = failure_rate
        self.minimum_calls = minimum_calls
        self.window_seconds = window_seconds
        self.cooldown_seconds = cooldown_seconds
        self.half_open_calls = half_open_calls
        # A trial whose outcome never came back (its worker could not record it) frees
        # its slot after this long, so the circuit cannot stay half-open and blocked.
        self.probe_timeout_seconds = probe_timeout_seconds
        # Trial failures that reopen the circuit: the smallest count whose share of
        # ``half_open_calls`` reaches ``failure_rate``.
        self._probe_failures_to_open = math.ceil(failure_rate * half_open_calls - 1e-9)
        self._span = math.ceil(window_seconds)
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

    def failure_share(self, connection_id: str) -> tuple[int, int]:
        """``(failures, calls)`` in the connection's window now (for logs and tests)."""
        circuit = self._circuits.get(connection_id)
        if circuit is None:
            return 0, 0
        circuit.window.prune(int(self._clock()), self._span)
        return circuit.window.failures, circuit.window.calls

    def allow(self, connection_id: str) -> bool:
        """Whether a call may start now; a half-open circuit lets ``half_open_calls``
        trial calls through (counting those still running and those that ended)."""
        state = self.state(connection_id)
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.OPEN:
            return False
        circuit = self._circuits[connection_id]
        if not self._probe_slot_free(circuit):
            return False
        circuit.probes.append(self._clock())
        return True

    def blocked(self) -> set[str]:
        """Connections that would refuse a call now (the worker skips their jobs)."""
        blocked = set()
        for cid, circuit in self._circuits.items():
            if circuit.opened_at is None:
                continue
            if self.state(cid) is CircuitState.OPEN or not self._probe_slot_free(circuit):
                blocked.add(cid)
        return blocked

    def record_success(self, connection_id: str) -> None:
        """A call succeeded: it counts in the window, or as a trial that may close."""
        self._record(connection_id, failed=False)

    def record_failure(self, connection_id: str) -> None:
        """A call failed transiently: it counts, and may open (or re-open) the circuit."""
        self._record(connection_id, failed=True)

    def record_neutral(self, connection_id: str) -> None:
        """A call ended in a way that says nothing about health (a permanent error):
        a trial it was frees its slot for another."""
        circuit = self._circuits.get(connection_id)
        if circuit is not None and circuit.probes:
            circuit.probes.pop(0)

    # Internals -----------------------------------------------------------------------

    def _probe_slot_free(self, circuit: _Circuit) -> bool:
        cutoff = self._clock() - self.probe_timeout_seconds
        circuit.probes = [started for started in circuit.probes if started > cutoff]
        decided = circuit.probe_successes + circuit.probe_failures
        return decided + len(circuit.probes) < self.half_open_calls

    def _record(self, connection_id: str, *, failed: bool) -> None:
        circuit = self._circuits.setdefault(connection_id, _Circuit())
        if circuit.opened_at is None:
            now = self._clock()
            window = circuit.window
            window.add(int(now), failed, self._span)
            if (
                window.calls >= self.minimum_calls
                and window.failures >= self.failure_rate * window.calls
            ):
                self._open(circuit, now)
            return
        if self.state(connection_id) is CircuitState.OPEN or not circuit.probes:
            return  # a call that started before the circuit opened: not a trial
        circuit.probes.pop(0)
        if failed:
            circuit.probe_failures += 1
            if circuit.probe_failures >= self._probe_failures_to_open:
                self._open(circuit, self._clock())
        else:
            circuit.probe_successes += 1
            if circuit.probe_successes > self.half_open_calls - self._probe_failures_to_open:
                del self._circuits[connection_id]  # closed, with an empty window

    @staticmethod
    def _open(circuit: _Circuit, now: float) -> None:
        circuit.opened_at = now
        circuit.window = _Window()
        circuit.probes = []
        circuit.probe_successes = circuit.probe_failures = 0


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
