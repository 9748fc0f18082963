"""The worker's database side: each call one short transaction, run in a thread.

Database calls are synchronous SQLAlchemy run with :func:`asyncio.to_thread`, so a slow
commit never stalls the handlers that are waiting on the network. The calls are the
worker's whole traffic with the outbox tables: claim, give back, settle, renew. On a
SQLite file the claim and the settle batches run on the pooled DB-API connection rather
than a Session (``direct_sqlite.py``: the same writer lock and ``BEGIN IMMEDIATE``,
errors raised as SQLAlchemy's, a fraction of a Session's CPU per transaction); a try's
own writes get a ``storage/uow_direct.py`` unit of work there.

On SQLite a claim is a write transaction and takes the file's writer lock
(``storage/db.py``), even when it finds nothing. So unless the worker has reason to
expect work (a wake-up signal, a full last batch), :meth:`WorkerDB.claim` first asks
:func:`~orderbridge.messaging.outbox.might_claim` in a read transaction of
``read_sessions`` (give it ``session_factory(read_only(engine))`` so the question runs
beside the writer) and opens the write transaction only on a yes. PostgreSQL claims with
``SKIP LOCKED`` and needs no such question.

A job's death has consequences (its order fails, an alert is queued): the worker's
``on_dead`` hook runs in the transaction that settles the job as ``dead``, so both are
committed together or not at all.

Settles are group-committed (``group_commit.py``): tries that end together (a backlog
drains 16 at a time) are recorded in one transaction, and each caller learns its
outcome once that transaction has committed. A succeeded try's own writes
(``with_settle.py``: an order's POS id, timeline entry, follow-ups and notifications)
go in the same transaction, before its settle. The batch takes no savepoint per try:
on SQLite a ``SAVEPOINT`` and its ``RELEASE`` through the Session cost more CPU than a
try's own rows (docs/benchmarks.md, "round 6, worker3"), and a try fails there only
when something raced it (a cancel saved its order meanwhile) or the database went
away (or, on the direct transaction, its write needs the ORM). A try that fails there
rolls the transaction back: it is recorded alone, with the retries :meth:`settle_now`
has (its writes first, in a transaction of their own on a Session; if those fail
:meth:`WorkerDB.settle` raises :class:`WriteFailed` for the worker to retry the try),
and the rest of the batch is written again without it — this second time with a
savepoint per try, so that further failing tries are only set aside and recorded alone
after it: the batch is written twice at most, however many tries race.

The lease fence (:meth:`WorkerDB.confirm`, ``messaging/lease.py``) writes only when it
must. The worker knows the lease each of its tries holds: the claim wrote
``lease_expires_at = now + lease_seconds`` with ``now`` from this worker's clock, and
each renewal that answered moved it on the same way. Another worker takes a running job
over only once *its* clock passes that ``lease_expires_at`` (the claim's condition),
and nothing else moves a running job away from its holder. So while at least
``(1 - FENCE_SLACK) * lease_seconds`` of the known lease are left, the fence's write
(renewing to a full ``lease_seconds``) would change the remaining term by at most
``FENCE_SLACK`` of it: the call starts under a lease as safe as the written one would
be (``lease_seconds`` is kept above the POS call's deadline, see docs/architecture.md),
and the try cannot have been taken over. The usual try (claimed, then calls at once)
thus skips the write; a try that waited (a look-up first, pacing, a slow database)
writes it as before, and a try whose lease lapsed finds out there and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from orderbridge.log import get_logger
from orderbridge.messaging.attempts import Exchange, Settlement, release, settle, settles_directly
from orderbridge.messaging.direct_sqlite import DirectTransaction, DirectWriter
from orderbridge.messaging.errors import TransientError
from orderbridge.messaging.group_commit import GroupCommit
from orderbridge.messaging.outbox import JobView, claim, might_claim, renew_leases, renew_try
from orderbridge.messaging.statements import Executes
from orderbridge.messaging.tables import JobStatus
from orderbridge.messaging.wakeup import ENQUEUED, notify_committed

T = TypeVar("T")
DeathHook = Callable[[Session, JobView, Settlement, datetime], None]
"""Called in the transaction that buries a job: ``(session, job, settlement, now)``."""

# The share of a lease the fence lets go unwritten (see the module docstring).
FENCE_SLACK = 0.1
# Settling again when the death hook lost a race (another writer changed the order).
_SETTLE_TRIES = 3
_log = get_logger("orderbridge.worker")


class WriteFailed(Exception):
    """A succeeded try's own writes could not be stored (the cause is chained): the
    try is not recorded; the worker settles it as failed instead."""


@dataclass(frozen=True, slots=True)
class _Settle:
    """One try's outcome, waiting for the batch that records it."""

    job: JobView
    settlement: Settlement
    started: float
    exchange: Exchange
    duration_ms: int


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
        on_dead: DeathHook | None = None,
    ) -> None:
        self._sessions = sessions
        self._on_dead = on_dead
        self._read_sessions = read_sessions
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds
        self._clock = clock
        self._probing: bool | None = None  # SQLite only; decided on the first claim
        self._settles: GroupCommit[_Settle, bool] = GroupCommit(self._settle_batch)
        self._direct = DirectWriter(sessions)
        # job id → (its try, when its lease ends as last written by this worker).
        self._held: dict[int, tuple[int, datetime]] = {}
        self._unfenced = timedelta(seconds=lease_seconds * (1 - FENCE_SLACK))

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

        def take(conn: Session | Executes) -> list[JobView]:
            return claim(
                conn,
                self.worker_id,
                limit,
                self.lease_seconds,
                now,
                kinds=kinds,
                skip_connections=blocked,
                in_flight=in_flight,
            )

        jobs: list[JobView] | None = None
        if self._direct.able:  # SQLite: on the DB-API connection (``direct_sqlite.py``)
            with self._direct.transaction() as tx:
                if tx is not None:
                    jobs = take(tx)
        if jobs is None:
            with self._sessions() as session, session.begin():
                jobs = take(session)
        until = now + timedelta(seconds=self.lease_seconds)
        for job in jobs:
            self._held[job.id] = (job.total_attempt, until)
        return jobs

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
        self._held.pop(job.id, None)
        return await self._in_transaction(release, job, self.worker_id, self._clock())

    async def settle(
        self, job: JobView, settlement: Settlement, started: float, exchange: Exchange
    ) -> bool:
        """Record how ``job``'s try (begun at ``perf_counter()`` ``started``) ended;
        ``False`` if the job was taken over meanwhile (only the attempt row is written)."""
        duration_ms = round((time.perf_counter() - started) * 1000)
        self._held.pop(job.id, None)
        return await self._settles.submit(_Settle(job, settlement, started, exchange, duration_ms))

    def _settle_batch(self, items: Sequence[_Settle]) -> list[bool | BaseException]:
        """Record ``items`` in one transaction, without savepoints at first. A try that
        fails there rolls the transaction back and is recorded alone; the batch is then
        written again without it, a savepoint per try this time, so that another failing
        try is only set aside (a second pass at most, however many race). A failed
        commit, and a try that buries its job (the death hook has its own retries), are
        recorded alone."""
        if len(items) == 1 and not items[0].settlement.writes:
            return [self._settle_alone(items[0])]
        outcomes: dict[int, bool | BaseException] = {}
        batch = [n for n, item in enumerate(items) if item.settlement.status is not JobStatus.DEAD]
        guarded = False
        while batch:
            now = self._clock()
            failed: int | None = None
            moved: dict[int, bool] = {}
            try:
                with self._batch_transaction([items[n] for n in batch]) as tx:
                    for failed in batch:
                        if not guarded:
                            moved[failed] = self._write(tx, items[failed], now)
                            continue
                        with contextlib.suppress(_SetAside), _savepoint(tx):
                            moved[failed] = self._write(tx, items[failed], now)
                    failed = None  # what fails from here on is the commit
            except Exception:
                if failed is None or guarded:
                    break  # the database, not a try: each alone, with its retries
                outcomes[failed] = self._settle_alone(items[failed])
                batch.remove(failed)
                guarded = True
                continue
            outcomes.update(moved)  # those set aside are recorded alone, below
            break
        return [
            outcomes[n] if n in outcomes else self._settle_alone(item)
            for n, item in enumerate(items)
        ]

    @contextlib.contextmanager
    def _batch_transaction(self, items: Sequence[_Settle]) -> Iterator[Session | DirectTransaction]:
        """The settle batch's write transaction: on a SQLite file the DB-API connection
        (``direct_sqlite.py``; the tries' writes get a ``DirectUnitOfWork``), unless a
        try closes an inbox event; a Session otherwise. Jobs queued in a direct
        transaction wake this process's workers once it committed, as a Session's do."""
        if self._direct.able and all(settles_directly(item.job) for item in items):
            with self._direct.transaction() as tx:
                if tx is not None:
                    yield tx
            if tx is not None:
                if tx.info.get(ENQUEUED):
                    notify_committed(self._sessions)
                return
        with self._sessions() as session, session.begin():
            yield session

    def _settle_alone(self, item: _Settle) -> bool | BaseException:
        settlement = item.settlement
        try:
            if settlement.writes:
                self._write_alone(settlement)
                settlement = replace(settlement, writes=())
            return self.settle_now(item.job, settlement, item.started, item.exchange)
        except Exception as exc:
            return exc

    def _write_alone(self, settlement: Settlement) -> None:
        """A try's own writes in a transaction of their own (the separate path)."""
        try:
            with self._sessions() as session, session.begin():
                for write in settlement.writes:
                    write(session)
        except Exception as exc:
            raise WriteFailed(f"storing the try's result failed: {exc!r}") from exc

    def _write(self, tx: Session | DirectTransaction, item: _Settle, now: datetime) -> bool:
        for write in item.settlement.writes:
            write(tx)
        return settle(
            tx,
            item.job,
            self.worker_id,
            item.settlement,
            duration_ms=item.duration_ms,
            exchange=item.exchange,
            now=now,
        )

    def settle_now(
        self, job: JobView, settlement: Settlement, started: float, exchange: Exchange
    ) -> bool:
        """:meth:`settle` on the calling thread (for a cancelled try, which cannot await).

        ``settlement.writes`` are written first, in a transaction of their own."""
        if settlement.writes:
            self._write_alone(settlement)
            settlement = replace(settlement, writes=())
        duration_ms = round((time.perf_counter() - started) * 1000)
        self._held.pop(job.id, None)
        hook = self._on_dead if settlement.status is JobStatus.DEAD else None
        for tries_left in range(_SETTLE_TRIES - 1, -1, -1):
            try:
                return self._settle_once(job, settlement, duration_ms, exchange, hook)
            except TransientError:
                if not tries_left:
                    raise  # the lease will lapse and the job be tried again
            except Exception as exc:
                if hook is None:
                    raise
                # A bug in the hook must not keep the job from dying (it would be
                # retaken and die again forever): bury it without, and say so.
                _log.error(
                    "reacting to a dead job failed", job_id=job.id, kind=job.kind, error=repr(exc)
                )
                hook = None
        raise AssertionError("unreachable")

    def _settle_once(
        self,
        job: JobView,
        settlement: Settlement,
        duration_ms: int,
        exchange: Exchange,
        hook: DeathHook | None,
    ) -> bool:
        now = self._clock()
        with self._sessions() as session, session.begin():
            moved = settle(
                session,
                job,
                self.worker_id,
                settlement,
                duration_ms=duration_ms,
                exchange=exchange,
                now=now,
            )
            if moved and hook is not None:
                hook(session, job, settlement, now)
            return moved

    async def renew(self, job_ids: Collection[int]) -> set[int]:
        """Extend the leases of ``job_ids`` this worker still holds; return those ids."""
        now = self._clock()
        kept = await self._in_transaction(
            renew_leases, self.worker_id, job_ids, self.lease_seconds, now
        )
        until = now + timedelta(seconds=self.lease_seconds)
        for job_id in kept:
            held = self._held.get(job_id)
            if held is not None:  # not settled meanwhile
                self._held[job_id] = (held[0], until)
        return kept

    async def confirm(self, job: JobView) -> bool:
        """Make sure this try of ``job`` holds its lease for a full term from now;
        ``False`` if the try lost the job (see :func:`~orderbridge.messaging.outbox.renew_try`).

        No write while the lease this worker last wrote has at least
        ``(1 - FENCE_SLACK) * lease_seconds`` left (why that is safe: the module
        docstring); otherwise the lease is renewed in the database, which also tells
        whether the try still holds the job."""
        now = self._clock()
        held = self._held.get(job.id)
        if held is not None and held[0] == job.total_attempt and held[1] - now >= self._unfenced:
            return True
        if not await self._in_transaction(renew_try, job, self.worker_id, self.lease_seconds, now):
            return False
        self._held[job.id] = (job.total_attempt, now + timedelta(seconds=self.lease_seconds))
        return True

    async def _in_transaction(self, fn: Callable[..., T], *args: object) -> T:
        def run() -> T:
            with self._sessions() as session, session.begin():
                return fn(session, *args)

        return await asyncio.to_thread(run)


class _SetAside(Exception):
    """A try failed inside its savepoint: it is recorded alone, the batch goes on."""


@contextlib.contextmanager
def _savepoint(tx: Session | DirectTransaction) -> Iterator[None]:
    """Undo the block's writes if it raises (then :class:`_SetAside`), keep them if not.

    A ``SAVEPOINT`` that cannot be rolled back to (the database dropped the whole
    transaction) raises that error instead: the batch is then recorded try by try."""
    if isinstance(tx, Session):
        nested = tx.begin_nested()
        try:
            yield
        except Exception as error:
            nested.rollback()
            raise _SetAside from error
        nested.commit()
        return
    tx.exec_driver_sql("SAVEPOINT settle_try")
    try:
        yield
    except Exception as error:
        tx.exec_driver_sql("ROLLBACK TO settle_try")
        tx.exec_driver_sql("RELEASE settle_try")
        raise _SetAside from error
    tx.exec_driver_sql("RELEASE settle_try")
