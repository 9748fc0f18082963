"""The sending side the sandboxes share: a queue of webhook deliveries and its senders.

A dispatcher subclasses :class:`DeliveryQueue`, builds its deliveries (what is signed
and how differs per service) and hands each to :meth:`DeliveryQueue._offer`, which
rolls the drop and duplicate faults. It implements :meth:`DeliveryQueue._post` (one
POST), :meth:`DeliveryQueue._accepted` (what counts as taken), :meth:`DeliveryQueue._record`
(its log row) and :meth:`DeliveryQueue._reordering`, and sets ``retry_delays``. The queue
runs ``senders`` tasks while :meth:`running` is open (the app's lifespan), makes each
attempt and resends after ``retry_delays`` (times ``retry_scale``, times
:meth:`DeliveryQueue._jitter`) until taken or out of attempts, holds deliveries back
and lets them out newest first when the reorder fault is on, and tells when nothing is
left in flight (:meth:`idle`, for tests and the control API).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import httpx

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

LOG_LIMIT = 10_000
"""How many delivery-log rows a dispatcher keeps (the oldest go first)."""

REORDER_WINDOW_SECONDS = 0.3
"""How long the reorder fault holds deliveries before letting them out, newest first."""


class Attempted(Protocol):
    """What the queue needs of a delivery: its attempt count (0 until first sent)."""

    attempt: int


D = TypeVar("D", bound=Attempted)
L = TypeVar("L", bound="DataclassInstance")


class DeliveryQueue(Generic[D, L]):
    """Queued deliveries of type ``D``, sent by ``senders`` tasks while running, and
    the delivery log (rows of type ``L``, appended by :meth:`_record`)."""

    # The HTTP client's own timeout (httpx's default: 5 s); a dispatcher may override.
    client_timeout: float = 5.0
    # How long :meth:`idle` waits by default.
    idle_limit_seconds: float = 10.0

    def __init__(
        self,
        *,
        senders: int,
        transport: httpx.AsyncBaseTransport | None,
        retry_scale: float = 1.0,
    ) -> None:
        self.senders = senders
        self.retry_scale = retry_scale
        self.log: deque[L] = deque(maxlen=LOG_LIMIT)
        # Delivery ids, one sequence per dispatcher.
        self._ids = itertools.count(1)
        self.transport = transport
        self._queue: asyncio.Queue[D] | None = None
        self._client: httpx.AsyncClient | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._held: list[D] = []
        self._in_flight = 0
        self._scheduled = 0

    # Set by each dispatcher -----------------------------------------------------------

    # Seconds before resend 1, 2, …; a delivery has ``1 + len(retry_delays)`` attempts.
    retry_delays: tuple[float, ...] = ()
    # The answer a taken delivery is logged as (Poster's log says "accepted").
    taken_outcome = "delivered"

    async def _post(self, client: httpx.AsyncClient, delivery: D) -> httpx.Response:
        """POST ``delivery`` once; a ``TimeoutError`` is logged as outcome ``timeout``."""
        raise NotImplementedError

    def _accepted(self, response: httpx.Response) -> bool:
        """Whether the receiver's answer takes the delivery (no resend)."""
        raise NotImplementedError

    def _record(
        self,
        delivery: D,
        outcome: str,
        *,
        status_code: int | None = None,
        error: str | None = None,
    ) -> None:
        """Append one attempt (or a drop, or a refusal to queue) to the delivery log."""
        raise NotImplementedError

    def _reordering(self) -> bool:
        """Whether the reorder fault is on (deliveries held, then let out newest first)."""
        return False

    def _jitter(self) -> float:
        """A factor on each resend delay (1: the schedule as it stands)."""
        return 1.0

    def _entries(self, keep: Callable[[L], bool], limit: int) -> list[dict[str, Any]]:
        """The last ``limit`` log rows that ``keep`` keeps, oldest first, as dicts."""
        rows = [entry for entry in self.log if keep(entry)]
        return [asdict(entry) for entry in rows[-limit:]]

    # Offering and attempting ---------------------------------------------------------

    def _offer(self, delivery: D, *, drop: bool, duplicate: Callable[[], D | None]) -> None:
        """Queue ``delivery`` unless the drop fault struck (then log it dropped); then
        queue the copy ``duplicate()`` makes if the duplicate fault strikes (None: not)."""
        if drop:
            self._record(delivery, "dropped")
            return
        self._enqueue(delivery)
        copy = duplicate()
        if copy is not None:
            self._enqueue(copy)

    def _not_running(self, delivery: D) -> None:
        # Not running (no event loop serving): nothing can be sent; say so in the log.
        self._record(delivery, "error", error="dispatcher not running")

    async def _attempt(self, delivery: D) -> None:
        """Send ``delivery`` once; log the outcome; resend later unless it was taken."""
        assert self._client is not None
        delivery.attempt += 1
        status: int | None = None
        error: str | None = None
        try:
            response = await self._post(self._client, delivery)
            status = response.status_code
            outcome = self.taken_outcome if self._accepted(response) else "rejected"
        except TimeoutError as exc:
            outcome, error = "timeout", str(exc)
        except httpx.HTTPError as exc:
            outcome, error = "error", f"{type(exc).__name__}: {exc}"
        self._record(delivery, outcome, status_code=status, error=error)
        if outcome != self.taken_outcome and delivery.attempt <= len(self.retry_delays):
            delay = self.retry_delays[delivery.attempt - 1] * self.retry_scale
            self._resend_later(delivery, delay * self._jitter())

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
