"""Group commit: requests that arrive together share one transaction.

Committing costs far more than a request's own inserts (on SQLite every commit writes
each touched B-tree page to the WAL; on PostgreSQL it is a round trip and a WAL
flush), and SQLite takes one writer at a time anyway. :class:`GroupCommit` lets
concurrent requests hand their item to :meth:`GroupCommit.submit` and wait; one batch
at a time is written, in arrival order, by ``write`` — one transaction for the whole
batch — and every waiting request learns its own outcome once that transaction has
committed. Nothing is answered before its commit, so nothing acknowledged can be lost.
A lone request is written at once (no timer, no added latency); under load the batches
grow by themselves, with whatever arrived while the previous one was being written.

``write`` returns one outcome per item: a result, or the exception that item alone
failed with (its request answers that error; the others are unaffected). If ``write``
raises instead (the transaction itself failed), each item is written again in a batch
of its own, so one bad item fails only its own request.

The batch runs on a worker thread (the event loop keeps reading the next requests
meanwhile, which become the next batch), or with ``inline=True`` on the event loop
itself, where a transaction is cheaper than the hop to a thread. ``writers`` batches
may be written at once, each on its thread: on PostgreSQL a transaction waits on
round trips, and one writer would queue every request of the process behind them;
on SQLite, one writer at a time anyway, one is right. Users: the webhook
ingress (``inbox_writer``) and the storefront's ``POST /orders`` (``web/order_intake``).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

MAX_BATCH = 256
_In = TypeVar("_In")
_Out = TypeVar("_Out")


@dataclass
class _Lane(Generic[_In, _Out]):
    waiting: list[tuple[_In, asyncio.Future[_Out]]] = field(default_factory=list)
    writers: set[asyncio.Task[None]] = field(default_factory=set)


class GroupCommit(Generic[_In, _Out]):
    """Writes submitted items in batches with ``write``; see the module docstring.

    One lane per event loop (tests run several loops in threads); ``write`` must be
    safe to call from worker threads unless ``inline``.
    """

    def __init__(
        self,
        write: Callable[[Sequence[_In]], Sequence[_Out | BaseException]],
        *,
        max_batch: int = MAX_BATCH,
        inline: bool = False,
        writers: int = 1,
    ) -> None:
        if max_batch < 1 or writers < 1:
            raise ValueError("max_batch and writers must be at least 1")
        self._write_batch = write
        self._max_batch = max_batch
        self._inline = inline
        self._writers = 1 if inline else writers
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane[_In, _Out]] = (
            weakref.WeakKeyDictionary()
        )

    async def submit(self, item: _In) -> _Out:
        """``item``'s outcome, once the transaction that wrote it has committed."""
        loop = asyncio.get_running_loop()
        lane = self._lanes.get(loop)
        if lane is None:
            lane = self._lanes.setdefault(loop, _Lane())
        future: asyncio.Future[_Out] = loop.create_future()
        lane.waiting.append((item, future))
        if len(lane.writers) < self._writers:
            lane.writers.add(loop.create_task(self._drain(lane)))
        return await future

    async def _drain(self, lane: _Lane[_In, _Out]) -> None:
        try:
            while lane.waiting:
                batch = lane.waiting[: self._max_batch]
                del lane.waiting[: self._max_batch]
                try:
                    await self._settle(batch)
                except BaseException:
                    for _, future in batch:
                        future.cancel()
                    raise
        finally:
            # Gone from the lane before anything else can run on the loop: a request
            # arriving next starts a writer of its own.
            current = asyncio.current_task()
            if current is not None:
                lane.writers.discard(current)
            # Left waiting only when the writers were cancelled (the loop is closing).
            if not lane.writers:
                left, lane.waiting = lane.waiting, []
                for _, future in left:
                    future.cancel()

    async def _settle(self, batch: list[tuple[_In, asyncio.Future[_Out]]]) -> None:
        items = [item for item, _ in batch]
        outcomes: Sequence[_Out | BaseException]
        try:
            outcomes = await self._run(self._write_batch, items)
        except Exception as error:
            if len(items) == 1:
                outcomes = [error]
            else:
                outcomes = await self._run(self._one_by_one, items)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():  # its request was cancelled (the client went away)
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    async def _run(
        self,
        work: Callable[[Sequence[_In]], Sequence[_Out | BaseException]],
        items: Sequence[_In],
    ) -> Sequence[_Out | BaseException]:
        if self._inline:
            return work(items)
        return await asyncio.to_thread(work, items)

    def _one_by_one(self, items: Sequence[_In]) -> list[_Out | BaseException]:
        outcomes: list[_Out | BaseException] = []
        for item in items:
            try:
                outcomes.extend(self._write_batch([item]))
            except Exception as error:
                outcomes.append(error)
        return outcomes
