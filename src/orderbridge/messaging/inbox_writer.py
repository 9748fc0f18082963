"""Group commit for the webhook ingress: many requests' events, one transaction.

A webhook may be acknowledged only once its event and its worker job (if it needs one)
are committed (:mod:`orderbridge.messaging.inbox`). Committing costs far more than the
inserts (on SQLite every commit writes each touched B-tree page to the WAL, six of
them here), so :class:`InboxWriter` lets requests that arrive together share one: each
request hands its :class:`Inbound` to :meth:`InboxWriter.store` and waits until the
transaction that wrote it, shared with whatever arrived together, has committed.

Each event's JSON (and its job's, which is the same document plus the event's inbox
reference when ``refer`` is set) is serialised once, before the transaction, and the
batch is written with two driver-level statements
(:func:`~orderbridge.messaging.inbox.record_encoded`,
:func:`~orderbridge.messaging.outbox.enqueue_many`): per row, SQLAlchemy's parameter
processing would cost more than SQLite spends inserting.

If a batch fails, each of its events is retried in a transaction of its own, so one
bad event fails only its own request (which answers 5xx and is retried by its sender).
The batching itself (lanes, the thread or ``inline`` on the loop, the one-by-one
retry) is :mod:`orderbridge.messaging.group_commit`'s; the ingress runs it inline on
SQLite. On a SQLite file the batch's transaction runs on the pooled DB-API connection
rather than a Session (:mod:`orderbridge.messaging.direct_sqlite`: same writer lock,
same commit before any answer, a fraction of the CPU); the workers are woken after it
commits as a session's commit would wake them
(:func:`~orderbridge.messaging.wakeup.notify_committed`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.messaging.direct_sqlite import DirectWriter
from orderbridge.messaging.group_commit import MAX_BATCH, GroupCommit
from orderbridge.messaging.inbox import encode, encode_with_ref, record_encoded
from orderbridge.messaging.outbox import NewJob, enqueue_many, insert_jobs
from orderbridge.messaging.statements import DriverSql, pending_job
from orderbridge.messaging.wakeup import notify_committed
from orderbridge.sql.driver import stored_time
from orderbridge.sql.types import utcnow


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


class InboxWriter:
    """Stores :class:`Inbound` events with their jobs, committing batches of requests
    (:class:`~orderbridge.messaging.group_commit.GroupCommit`).

    ``sessions`` must be safe to use from worker threads, as SQLAlchemy session
    factories are.
    """

    def __init__(
        self,
        sessions: Callable[[], Session],
        *,
        clock: Callable[[], datetime] = utcnow,
        max_batch: int = MAX_BATCH,
        inline: bool = False,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        # SQLite batches go on the DB-API connection (``direct_sqlite``), not a Session.
        self._direct = DirectWriter(sessions)
        self._group: GroupCommit[Inbound, bool] = GroupCommit(
            self.store_now, max_batch=max_batch, inline=inline
        )

    async def store(self, event: Inbound) -> bool:
        """Commit ``event`` (and its job); ``False`` when it was already in the inbox."""
        return await self._group.submit(event)

    def store_now(self, events: Sequence[Inbound]) -> list[bool]:
        """Store ``events`` in one transaction, in order; whether each one was new."""
        now = self._clock()
        rows = [_encoded(event) for event in events]  # before the transaction: no lock held
        if self._direct.able:
            with self._direct.transaction() as tx:
                if tx is not None:
                    stored, jobs, payloads = _write(tx, events, rows, now)
                    if jobs:
                        insert_jobs(tx, jobs, payloads, stored_time(tx.dialect, now))
            if tx is not None:
                if jobs:
                    notify_committed(self._sessions)
                return stored
        with self._sessions() as session, session.begin():
            stored, jobs, payloads = _write(session.connection(), events, rows, now)
            enqueue_many(session, jobs, now=now, encoded=payloads)
        return stored


def _write(
    conn: DriverSql,
    events: Sequence[Inbound],
    rows: Sequence[tuple[tuple[str, str, str, bool], str | None]],
    now: datetime,
) -> tuple[list[bool], list[NewJob], list[str]]:
    """Insert the batch's events on ``conn``; whether each was new, and the jobs (with
    their payloads as JSON text) that the caller then adds in the same transaction."""
    new = record_encoded(conn, [row for row, _ in rows], now=now)
    stored: list[bool] = []
    jobs: list[NewJob] = []
    payloads: list[str] = []
    queued: set[tuple[str, str | None]] = set()
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
            and not _pending(conn, job.kind, job.key)
        ):
            jobs.append(job)
            payloads.append(job_payload)
            queued.add((job.kind, job.key))
    return stored, jobs, payloads


def _pending(conn: DriverSql, kind: str, key: str) -> bool:
    """Whether a job of ``kind`` and ``key`` still waits for its try (``is_pending``)."""
    return bool(list(conn.exec_driver_sql(pending_job(conn.dialect.name), (kind, key))))


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
