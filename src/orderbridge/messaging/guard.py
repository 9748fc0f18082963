"""How the worker applies a connection's circuit breaker and rate limiter to a job.

Only jobs that call their connection are guarded: a job with no ``connection_id``, or
of a kind that carries one but seldom calls it (a stored Poster webhook, which mostly
just queues a reconcile), neither waits for a rate-limit token, nor takes a half-open
circuit's trial calls, nor counts as the connection's success or failure.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from orderbridge.messaging.breaker import CircuitBreaker, RateLimiter
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.tables import AttemptOutcome


@dataclass
class ConnectionGuard:
    """The breaker and the limiter of every connection, as one worker sees them."""

    breaker: CircuitBreaker | None = None
    rate_limiter: RateLimiter | None = None
    unguarded_kinds: Collection[str] = field(default_factory=frozenset)
    # Connections this worker has seen a call succeed on since it started (or since
    # their circuit last opened here).
    _working: set[str] = field(default_factory=set)

    def _connection(self, job: JobView) -> str | None:
        if job.kind in self.unguarded_kinds:
            return None
        return job.connection_id

    def blocked(self) -> set[str]:
        """Connections whose circuit is open: their jobs are not claimed."""
        return self.breaker.blocked() if self.breaker is not None else set()

    def admits(self, job: JobView) -> bool:
        """Whether the job may run now (False: its circuit is open, give the job back)."""
        conn = self._connection(job)
        return conn is None or self.breaker is None or self.breaker.allow(conn)

    async def pace(self, job: JobView) -> None:
        """Wait for the connection's rate-limit token, if the job needs one."""
        conn = self._connection(job)
        if conn is not None and self.rate_limiter is not None:
            await self.rate_limiter.acquire(conn)

    def record(self, job: JobView, outcome: AttemptOutcome) -> bool | None:
        """Tell the breaker how the connection's call went; return True when this
        opened the connection's circuit, False when it closed it, else None."""
        conn = self._connection(job)
        if conn is None or self.breaker is None:
            return None
        was_tripped = self.breaker.tripped(conn)
        if outcome is AttemptOutcome.SUCCEEDED:
            self.breaker.record_success(conn)
        elif outcome is AttemptOutcome.PERMANENT:
            self.breaker.record_neutral(conn)
        else:
            self.breaker.record_failure(conn)
        tripped = self.breaker.tripped(conn)
        if tripped:
            self._working.discard(conn)
        return None if tripped == was_tripped else tripped

    def first_success(self, job: JobView, outcome: AttemptOutcome) -> str | None:
        """The job's connection, the first time this worker sees a call on it succeed.

        Circuits live in workers' memories, so a worker that died with a circuit open
        leaves its ``connection.breaker_open`` incident behind; the first success any
        worker sees on that connection proves it works and lets the incident clear.
        """
        conn = self._connection(job)
        if conn is None or outcome is not AttemptOutcome.SUCCEEDED or conn in self._working:
            return None
        self._working.add(conn)
        return conn
