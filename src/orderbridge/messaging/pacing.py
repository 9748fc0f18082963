"""When the worker claims next: after a database outage (:class:`Backoff`) and while
a trickle of jobs gathers into one claim (:class:`Gather`); used by
:mod:`orderbridge.messaging.worker`, whose docstring says why jobs are gathered."""

from __future__ import annotations

import time
from collections.abc import Callable


class Backoff:
    """How long to wait before asking a database that did not answer again: from
    ``first`` seconds, doubling per failure up to :attr:`LONGEST`; 0 when it answers."""

    LONGEST = 2.0

    def __init__(self, first: float) -> None:
        self.first = max(first, 0.05)
        self.delay = 0.0

    def failed(self) -> None:
        self.delay = min(self.LONGEST, self.delay * 2 if self.delay else self.first)

    def clear(self) -> None:
        self.delay = 0.0


class Gather:
    """When the next claim may run: ``seconds`` after a claim that took a few jobs (the
    queue is empty, the next jobs come one by one: let them gather); at once after an
    empty claim (a quiet spell) or one that took ``full`` jobs — a backlog, or a
    window that already gathers half the worker's concurrency.

    A window that gathered a full batch also turns the window off for
    :attr:`FAST_SPELL` seconds: the stream is fast enough to fill batches by itself
    (the claims wait for half the slots to free up), and a window opened after the
    small claim that follows a full one only leaves slots idle. Without this, at 200
    orders/s a 50 ms window (ten orders) alternated a full claim, a small one and a
    50 ms hold: the worker claimed about sixteen jobs per hold plus the time its
    in-flight jobs took to end — as much as the stream brings on a quiet machine, less
    once the machine is loaded and the jobs take longer, and then the queue grows
    without end (docs/benchmarks.md, "round 4, worker2" and "round 6, worker3").
    ``clock`` is :func:`time.monotonic` (tests pass a fake one)."""

    FAST_SPELL = 1.0

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._until = 0.0  # the end of the open window (0: none)
        self._fast_until = 0.0  # no window before this (a window filled a batch)

    def claimed(self, jobs: int, *, full: bool) -> None:
        now = self._clock()
        if full and self._until:  # this claim ended a window, and the window filled it
            self._fast_until = now + self.FAST_SPELL
        if not jobs:  # a quiet spell: the stream is no longer fast
            self._fast_until = 0.0
        if self.seconds and jobs and not full and now >= self._fast_until:
            self._until = now + self.seconds
        else:
            self._until = 0.0

    def left(self) -> float:
        return max(self._until - self._clock(), 0.0)

    def holding(self) -> bool:
        return self._until > 0.0 and self.left() > 0.0
