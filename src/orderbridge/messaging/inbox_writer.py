"""Group commit for the webhook ingress: many requests' events, one transaction.

A webhook may be acknowledged only once its event and its worker job (if it needs one)
are committed (:mod:`orderbridge.messaging.inbox`). Committing costs far more than the
inserts (on SQLite every commit writes each touched B-tree page to the WAL, six of
them here), so :class:`InboxWriter` lets requests that arrive together share one: each
request hands its :class:`Inbound` to :meth:`InboxWriter.store` and waits; one batch
at a time is written, in arrival order, in a single transaction, and every waiting
request learns its own outcome once that transaction has committed. Nothing is
answered before its commit, so nothing acknowledged can be lost. A lone request is
written at once (no timer, no added latency); under load the batches grow by
themselves, with whatever arrived while the previous one was being written.

Each event's JSON (and its job's, which is the same document plus the event's inbox
reference when ``refer`` is set) is serialised once, before the transaction, and the
batch is written with two driver-level statements
(:func:`~orderbridge.messaging.inbox.record_encoded`,
:func:`~orderbridge.messaging.outbox.enqueue_many`): per row, SQLAlchemy's parameter
processing would cost more than SQLite spends inserting.

If a batch fails, each of its events is retried in a transaction of its own, so one
bad event fails only its own request (which answers 5xx and is retried by its sender).

The transaction runs on a worker thread (the event loop keeps reading the next
requests meanwhile, which become the next batch), or with ``inline=True`` on the event
loop itself, for databases where a commit is cheaper than the hop to a thread (see the
ingress, which uses it on SQLite).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from orderbridge.messaging.inbox import encode, encode_with_ref, record_encoded
from orderbridge.messaging.outbox import NewJob, enqueue_many, is_pending
from orderbridge.sql.types import utcnow

MAX_BATCH = 256
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Inbound:
    """One verified event and the job that will run it.

    The job is queued when the event is new; when it is a repeat and ``again`` is set,
    it is queued once more unless a job of its kind and key is still waiting to run.
    An event that needs no work (``job`` None: the sender decides, e.g. Poster's
    ``incoming_order`` *added*) is stored already ``processed``, for dedup and audit,
    and queues nothing. The payload must hold no secrets (signatures, tokens): it is
    stored as is. With ``refer`` the job's payload is stored with the event's inbox
    reference added (:func:`~orderbridge.messaging.inbox.with_inbox_ref`), so that the
    worker closes the event when the job ends. A job whose payload *is* the event's
    payload (the same object) shares its serialisation.
    """

    source: str
    external_id: str
    payload: Mapping[str, Any]
    job: NewJob | None
    again: bool = False
    refer: bool = False


@dataclass
class _Lane:
    waiting: list[tuple[Inbound, asyncio.Future[bool]]] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


class InboxWriter:
    """Stores :class:`Inbound` events with their jobs, committing batches of requests.

    One lane per event loop (tests run several loops in threads); ``sessions`` must be
    safe to use from worker threads, as SQLAlchemy session factories are.
    """

    def __init__(
        self,
        sessions: Callable[[], Session],
        *,
        clock: Callable[[], datetime] = utcnow,
        max_batch: int = MAX_BATCH,
        inline: bool = False,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._sessions = sessions
        self._clock = clock
        self._max_batch = max_batch
        self._inline = inline
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane] = (
            weakref.WeakKeyDictionary()
        )

    async def store(self, event: Inbound) -> bool:
        """Commit ``event`` (and its job); ``False`` when it was already in the inbox."""
        loop = asyncio.get_running_loop()
        lane = self._lanes.get(loop)
        if lane is None:
            lane = self._lanes.setdefault(loop, _Lane())
        future: asyncio.Future[bool] = loop.create_future()
        lane.waiting.append((event, future))
        if lane.writer is None:
            lane.writer = loop.create_task(self._write(lane))
        return await future

    async def _write(self, lane: _Lane) -> None:
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
            lane.writer = None
            # Left waiting only when this task itself was cancelled (the loop is closing).
            left, lane.waiting = lane.waiting, []
            for _, future in left:
                future.cancel()

    async def _settle(self, batch: list[tuple[Inbound, asyncio.Future[bool]]]) -> None:
        events = [event for event, _ in batch]
        outcomes: list[bool | BaseException]
        try:
            outcomes = list(await self._run(self.store_now, events))
        except Exception as error:
            if len(events) == 1:
                outcomes = [error]
            else:
                outcomes = await self._run(self._one_by_one, events)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():  # its request was cancelled (the client went away)
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    async def _run(self, work: Callable[[Sequence[Inbound]], _T], events: Sequence[Inbound]) -> _T:
        if self._inline:
            return work(events)
        return await asyncio.to_thread(work, events)

    def _one_by_one(self, events: Sequence[Inbound]) -> list[bool | BaseException]:
        outcomes: list[bool | BaseException] = []
        for event in events:
            try:
                outcomes.extend(self.store_now([event]))
            except Exception as error:
                outcomes.append(error)
        return outcomes

    def store_now(self, events: Sequence[Inbound]) -> list[bool]:
        """Store ``events`` in one transaction, in order; whether each one was new."""
        now = self._clock()
        rows = [_encoded(event) for event in events]  # before the transaction: no lock held
        stored: list[bool] = []
        jobs: list[NewJob] = []
        payloads: list[str] = []
        queued: set[tuple[str, str | None]] = set()
        with self._sessions() as session, session.begin():
            new = record_encoded(session.connection(), [row for row, _ in rows], now=now)
            for event, (_, job_payload) in zip(events, rows, strict=True):
                # Only the first of the batch's copies of an event counts as the new one.
                pair = (event.source, event.external_id)
                first = pair in new
                stored.append(first)
                if first:
                    new.discard(pair)
                job = event.job
                if job is None or job_payload is None:
                    continue
                if first or (
                    event.again
                    and job.key is not None
                    and (job.kind, job.key) not in queued
                    and not is_pending(session, job.kind, job.key)
                ):
                    jobs.append(job)
                    payloads.append(job_payload)
                    queued.add((job.kind, job.key))
            enqueue_many(session, jobs, now=now, encoded=payloads)
        return stored


def _encoded(event: Inbound) -> tuple[tuple[str, str, str, bool], str | None]:
    """The event's inbox row (see ``record_encoded``) and its job's payload as JSON text
    (None: no job)."""
    payload = encode(event.payload)
    job = event.job
    row = (event.source, event.external_id, payload, job is None)
    if job is None:
        return row, None
    job_payload = payload if job.payload is event.payload else encode(job.payload)
    if event.refer:
        job_payload = encode_with_ref(job.payload, job_payload, event.source, event.external_id)
    return row, job_payload
