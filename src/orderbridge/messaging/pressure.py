"""Burst priority: while orders are waiting for their 201, the worker in the same
process steps back, for a bounded time.

``serve`` runs the API and a worker in one interpreter. When a burst of orders arrives
faster than the process can both acknowledge and forward them, the two compete for the
same CPU: a 201 cost ~0.5 ms without a worker and ~1.8 ms with one forwarding at the
same time, and at 1,000 orders/s the acknowledgements fell seconds behind
(docs/benchmarks.md, "round 7, ingest3"). The outbox is durable, so an order
acknowledged now and forwarded a few seconds later loses nothing; an order whose 201
comes late may be retried or abandoned by its storefront. So during a burst the
acknowledgements go first.

:data:`INTAKE` counts the orders being placed right now (``POST /api/v1/orders`` enters
it around the group commit, ``web/routes/place_order.py``): the requests waiting for a
transaction. Steady load that the process keeps up with leaves a few dozen there (rate
× the commit's latency); a burst the process cannot keep up with piles up hundreds.
:class:`BurstPolicy` reads it each time the worker is about to claim:

* ``in_flight >= threshold``: a burst. The worker keeps at most ``slots`` jobs running
  (it is never stopped: scheduled orders due meanwhile still go, a few at a time);
* the burst ends when the count falls below half the threshold (a gap, so the worker
  does not flap around the threshold);
* **a hard upper bound**: a deferral lasts at most ``longest`` seconds; then the worker
  runs at full concurrency for at least as long, whatever the count says. In overload
  that never ends the worker forwards at its full rate at least half of the time, and
  the queue it left grows for at most ``longest`` seconds at a time.

``clock`` is :func:`time.monotonic` (tests pass a fake one). One worker reads one
policy; the gauge is shared by every request of the process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType


class IntakeGauge:
    """How many orders are being placed in this process right now.

    ``with INTAKE:`` around the wait for the commit. Requests run on the server's event
    loop, but tests run apps on several loops in threads: the count is kept under a lock
    (~0.1 µs a request).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = 0

    def __enter__(self) -> None:
        with self._lock:
            self.in_flight += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with self._lock:
            self.in_flight -= 1


INTAKE = IntakeGauge()
"""The process's orders in flight (fed by ``web/routes/place_order.py``)."""


class BurstPolicy:
    """How many of the worker's slots may be busy now (module docstring).

    ``threshold`` 0 turns burst priority off (:meth:`slots` is always the concurrency).
    """

    RECHECK = 0.05
    """Seconds between looks at the gauge while deferring."""

    def __init__(
        self,
        gauge: IntakeGauge,
        *,
        threshold: int,
        slots: int,
        longest: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 0 or slots < 1 or longest <= 0:
            raise ValueError("threshold must be >= 0, slots >= 1 and longest positive")
        self.gauge = gauge
        self.threshold = threshold
        self.floor = slots
        self.longest = longest
        self._clock = clock
        self._since: float | None = None  # when the current deferral began
        self._full_until = 0.0  # no deferral before this (the last one hit ``longest``)
        self.deferrals = 0  # deferrals begun (benches, tests)

    @property
    def deferring(self) -> bool:
        return self._since is not None

    def slots(self, concurrency: int) -> int:
        """The jobs the worker may have running now, out of ``concurrency``."""
        if not self.threshold:
            return concurrency
        now = self._clock()
        waiting = self.gauge.in_flight
        if self._since is None:
            if waiting < self.threshold or now < self._full_until:
                return concurrency
            self._since = now
            self.deferrals += 1
        elif now - self._since >= self.longest:
            # The bound: as long at full concurrency as the deferral lasted.
            self._since = None
            self._full_until = now + self.longest
            return concurrency
        elif waiting < self.threshold // 2 or not waiting:
            self._since = None
            return concurrency
        return min(self.floor, concurrency)

    def recheck_in(self) -> float | None:
        """While deferring, how soon the worker should look again even if nothing
        wakes it (the burst may end while no job does); None when not deferring."""
        if self._since is None:
            return None
        left = self._since + self.longest - self._clock()
        return max(min(self.RECHECK, left), 0.0)
