"""The worker's database side: each call one short transaction, run in a thread.

Database calls are synchronous SQLAlchemy run with :func:`asyncio.to_thread`, so a slow
commit never stalls the handlers that are waiting on the network. The calls are the
worker's whole traffic with the outbox tables: claim, give back, settle, renew.

On SQLite a claim is a write transaction and takes the file's writer lock
(``storage/db.py``), even when it finds nothing. So unless the worker has reason to
expect work (a wake-up signal, a full last batch), :meth:`WorkerDB.claim` first asks
:func:`~orderbridge.messaging.outbox.might_claim` in a read transaction of
``read_sessions`` (give it ``session_factory(read_only(engine))`` so the question runs
beside the writer) and opens the write transaction only on a yes. PostgreSQL claims with
``SKIP LOCKED`` and needs no such question.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from orderbridge.messaging.attempts import Exchange, Settlement, release, settle
from orderbridge.messaging.outbox import JobView, claim, might_claim, renew_leases, renew_try

T = TypeVar("T")


class WorkerDB:
    """The transactions of one worker (``worker_id``), timed by ``clock``."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        read_sessions: Callable[[], Session],
        *,
        worker_id: str,
        lease_seconds: float,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds
        self._clock = clock
        self._probing: bool | None = None  # SQLite only; decided on the first claim

    async def claim(
        self,
        limit: int,
        kinds: Sequence[str],
        blocked: Collection[str],
        *,
        probe: bool = True,
        in_flight: Collection[int] = (),
    ) -> list[JobView]:
        """Lease up to ``limit`` jobs of ``kinds`` (not of ``blocked`` connections, nor
        the ``in_flight`` ones this worker runs).

        ``probe=False`` skips the read-only question when work is expected anyway.
        """
        return await asyncio.to_thread(self._claim, limit, kinds, blocked, probe, in_flight)

    def _claim(
        self,
        limit: int,
        kinds: Sequence[str],
        blocked: Collection[str],
        probe: bool,
        in_flight: Collection[int],
    ) -> list[JobView]:
        now = self._clock()
        if probe and self._probes() and not self._might_claim(now, kinds):
            return []
        with self._sessions() as session, session.begin():
            return claim(
                session,
                self.worker_id,
                limit,
                self.lease_seconds,
                now,
                kinds=kinds,
                skip_connections=blocked,
                in_flight=in_flight,
            )

    def _probes(self) -> bool:
        if self._probing is None:
            with self._read_sessions() as session:  # no connection is opened for this
                self._probing = session.get_bind().dialect.name == "sqlite"
        return self._probing

    def _might_claim(self, now: datetime, kinds: Sequence[str]) -> bool:
        with self._read_sessions() as session, session.begin():
            return might_claim(session, now, kinds=kinds)

    async def release(self, job: JobView) -> bool:
        """Give ``job`` back untried, due now; ``False`` if its lease was lost."""
        return await self._in_transaction(release, job, self.worker_id, self._clock())

    async def settle(
        self, job: JobView, settlement: Settlement, started: float, exchange: Exchange
    ) -> bool:
        """Record how ``job``'s try (begun at ``perf_counter()`` ``started``) ended;
        ``False`` if the job was taken over meanwhile (only the attempt row is written)."""
        return await asyncio.to_thread(self.settle_now, job, settlement, started, exchange)

    def settle_now(
        self, job: JobView, settlement: Settlement, started: float, exchange: Exchange
    ) -> bool:
        """:meth:`settle` on the calling thread (for a cancelled try, which cannot await)."""
        with self._sessions() as session, session.begin():
            return settle(
                session,
                job,
                self.worker_id,
                settlement,
                duration_ms=round((time.perf_counter() - started) * 1000),
                exchange=exchange,
                now=self._clock(),
            )

    async def renew(self, job_ids: Collection[int]) -> set[int]:
        """Extend the leases of ``job_ids`` this worker still holds; return those ids."""
        return await self._in_transaction(
            renew_leases, self.worker_id, job_ids, self.lease_seconds, self._clock()
        )

    async def confirm(self, job: JobView) -> bool:
        """Extend the lease of this try of ``job`` to a full term from now; ``False``
        if the try lost the job (see :func:`~orderbridge.messaging.outbox.renew_try`)."""
        return await self._in_transaction(
            renew_try, job, self.worker_id, self.lease_seconds, self._clock()
        )

    async def _in_transaction(self, fn: Callable[..., T], *args: object) -> T:
        def run() -> T:
            with self._sessions() as session, session.begin():
                return fn(session, *args)

        return await asyncio.to_thread(run)
