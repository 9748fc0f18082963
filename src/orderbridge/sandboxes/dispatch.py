"""The sending side both sandboxes share: a queue of webhook deliveries and its senders.

A dispatcher subclasses :class:`DeliveryQueue`, builds its deliveries (what is signed
and how differs per service) and implements :meth:`DeliveryQueue._attempt` (one POST
and what its answer means), :meth:`DeliveryQueue._not_running` and
:meth:`DeliveryQueue._reordering`. The queue runs
``senders`` tasks while :meth:`running` is open (the app's lifespan), holds deliveries
back and lets them out newest first when the reorder fault is on, schedules resends,
and tells when nothing is left in flight (:meth:`idle`, for tests and the control API).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

import httpx

REORDER_WINDOW_SECONDS = 0.3
"""How long the reorder fault holds deliveries before letting them out, newest first."""

D = TypeVar("D")


class DeliveryQueue(Generic[D]):
    """Queued deliveries of type ``D``, sent by ``senders`` tasks while running."""

    # The HTTP client's own timeout (httpx's default: 5 s); a dispatcher may override.
    client_timeout: float = 5.0
    # How long :meth:`idle` waits by default.
    idle_limit_seconds: float = 10.0

    def __init__(self, *, senders: int, transport: httpx.AsyncBaseTransport | None) -> None:
        self.senders = senders
        self.transport = transport
        self._queue: asyncio.Queue[D] | None = None
        self._client: httpx.AsyncClient | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._held: list[D] = []
        self._in_flight = 0
        self._scheduled = 0

    async def _attempt(self, delivery: D) -> None:
        """Send ``delivery`` once with ``self._client``; record it; resend if due."""
        raise NotImplementedError

    def _not_running(self, delivery: D) -> None:
        """Record that ``delivery`` could not be queued: no event loop is serving."""
        raise NotImplementedError

    def _reordering(self) -> bool:
        """Whether the reorder fault is on (deliveries held, then let out newest first)."""
        return False

    # Queueing ----------------------------------------------------------------------

    def _enqueue(self, delivery: D) -> None:
        if self._queue is None:
            self._not_running(delivery)
            return
        if self._reordering():
            self._held.append(delivery)
            if len(self._held) == 1:
                asyncio.get_running_loop().call_later(REORDER_WINDOW_SECONDS, self._release_held)
            return
        self._queue.put_nowait(delivery)

    def _release_held(self) -> None:
        held, self._held = self._held, []
        for delivery in reversed(held):  # newest first: the receiver sees them reordered
            if self._queue is not None:
                self._queue.put_nowait(delivery)

    def _resend_later(self, delivery: D, delay: float) -> None:
        self._scheduled += 1
        asyncio.get_running_loop().call_later(delay, self._requeue, delivery)

    def _requeue(self, delivery: D) -> None:
        self._scheduled -= 1
        if self._queue is not None:
            self._queue.put_nowait(delivery)

    # Running -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Deliver while the context is open (the app's lifespan)."""
        self._queue = asyncio.Queue()
        self._client = httpx.AsyncClient(
            timeout=self.client_timeout, follow_redirects=False, transport=self.transport
        )
        self._tasks = [asyncio.create_task(self._sender()) for _ in range(self.senders)]
        try:
            yield
        finally:
            for task in self._tasks:
                task.cancel()
            for task in self._tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self._client.aclose()
            self._queue = None

    async def idle(self, limit_seconds: float | None = None) -> None:
        """Wait until nothing is queued, held, in flight or waiting for a resend."""
        limit = self.idle_limit_seconds if limit_seconds is None else limit_seconds
        deadline = time.monotonic() + limit
        while self._busy():
            if time.monotonic() > deadline:
                raise TimeoutError("webhook deliveries still pending")
            await asyncio.sleep(0.01)

    def _busy(self) -> bool:
        queued = self._queue.qsize() if self._queue is not None else 0
        return bool(queued or self._held or self._in_flight or self._scheduled)

    async def _sender(self) -> None:
        assert self._queue is not None
        while True:
            delivery = await self._queue.get()
            self._in_flight += 1
            try:
                await self._attempt(delivery)
            finally:
                self._in_flight -= 1
