"""The worker: claims outbox jobs by lease and runs their handlers, concurrently.

A handler is ``async def handle(job: JobView) -> dict | None``, chosen by ``job.kind``.
How it ends decides what happens to the job:

==========================  ========================================================
handler                     job
==========================  ========================================================
returns (a dict or None)    ``succeeded``, the dict kept as the job's result
raises ``TransientError``   ``pending`` again after the retry schedule's delay (at
                            least its ``retry_after``), or ``dead`` after the last try
raises ``PermanentError``   ``dead`` at once: a dead letter for an operator
raises anything else        as ``TransientError``: a bug must not drop an order
fails as the database goes  ``pending`` at once, the try recorded as ``crashed``
is cancelled (shutdown)     ``pending`` at once, the try recorded as ``crashed``
==========================  ========================================================

While the database is away (``sql.availability``) the worker claims less and less
often (up to every 2 s), and a try whose outcome it could not write is written the
moment the database answers again, rather than waiting for its lease to run out.

A handler may hand the worker what it learned, to be written in the transaction that
records its success (``with_settle.py``); if that write cannot be stored the try
counts as failed, as if the handler had raised after its call.

Every try leaves one ``job_attempts`` row. While a handler runs, the worker renews the
leases of all its jobs every third of ``lease_seconds``; if it dies, other workers take
its jobs once the leases expire. Jobs of a connection whose circuit is open are not
claimed, and each call waits for the connection's rate limiter (``guard.py``). Between
claims it waits for a job to end, its poll interval, or its ``Wakeup`` (``wakeup.py``).

Jobs that arrive one by one are gathered (``gather_seconds``): after a claim that found
only a few jobs, the worker claims again no sooner than ``gather_seconds`` later, so the jobs
committed meanwhile share one claim, one read before their calls, and mostly one settle
(each of those transactions costs far more than a job's own rows; a lone job paid all
of them alone). A job that arrives after a quiet spell is claimed at once, and a claim
of half the concurrency or more (a backlog, a fast stream) is followed by the next one
at once, so only a steady trickle waits, and for at most ``gather_seconds``; a window
that gathered half the concurrency turns windows off for a second (the stream fills
batches by itself). Figures: docs/benchmarks.md, "round 4, worker2" and "round 6,
worker3".

While orders wait for their 201 in the same process (a burst), the worker keeps only a
few jobs running, for a bounded time (``burst``, ``pressure.py``): the queue absorbs the
burst and the worker catches up once it has passed.

Database calls are synchronous SQLAlchemy run in threads, so a slow commit never stalls
handlers that are waiting on the network (``worker_db.py``). On SQLite an idle worker
asks a read-only question before it claims, so polling never queues for the writer: pass
``read_session_factory=session_factory(read_only(engine))``.
"""

from __future__ import annotations

import asyncio
import functools
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.log import get_logger
from orderbridge.log_context import job_fields, start_log_context
from orderbridge.messaging.attempts import Exchange, Settlement, begin_exchange, retry_or_bury
from orderbridge.messaging.breaker import CircuitBreaker, RateLimiter
from orderbridge.messaging.errors import PermanentError, TransientError
from orderbridge.messaging.guard import ConnectionGuard
from orderbridge.messaging.lease import CURRENT_LEASE
from orderbridge.messaging.metrics import MessagingMetrics
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.pacing import Backoff, Gather
from orderbridge.messaging.pressure import BurstPolicy
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import AttemptOutcome, JobStatus
from orderbridge.messaging.wakeup import Wakeup
from orderbridge.messaging.with_settle import CURRENT_WRITES, SettleWrite
from orderbridge.messaging.worker_db import DeathHook, WorkerDB, WriteFailed
from orderbridge.sql.availability import unavailable
from orderbridge.sql.types import utcnow

Handler = Callable[[JobView], Awaitable[Mapping[str, Any] | None]]
BreakerHook = Callable[[str, bool], None]
"""Called (in a thread) when a connection's circuit opens (True) or closes (False);
also with False the first time this worker sees a call on the connection succeed."""
# Payload fields worth a log field of their own: ids, never personal data.
_LOGGED_IDS = ("order_id", "reservation_id", "location_id")
_log = get_logger("orderbridge.worker")


def default_worker_id() -> str:
    """``host:pid:random``: unique per process, readable in the attempt rows."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Drains the outbox with up to ``concurrency`` handlers running at once.

    ``run()`` works until :meth:`stop` is called; ``run_until_idle()`` returns once no
    job is due and none is running, which is what tests and ``orderbridge replay`` want.
    ``clock`` gives the time written to the database (leases, schedules); inject a fake
    one to test expiry without sleeping. ``read_session_factory`` (default: the
    ``session_factory``) serves the read-only "anything to claim?" question on SQLite.
    ``gather_seconds`` (default 0: none) is the shortest time between a claim of a few
    jobs and the next claim of ``run()`` (see the module docstring);
    ``run_until_idle()`` drains what is queued and never waits to gather.
    ``burst`` (default: none) bounds the jobs running while this process's orders wait
    for their 201 (``pressure.py``).
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        handlers: Mapping[str, Handler],
        *,
        worker_id: str | None = None,
        concurrency: int = 4,
        lease_seconds: float = 30.0,
        poll_interval: float = 0.2,
        clock: Callable[[], datetime] = utcnow,
        retry_policy: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        rate_limiter: RateLimiter | None = None,
        metrics: MessagingMetrics | None = None,
        grace_seconds: float | None = None,
        wakeup: Wakeup | None = None,
        unguarded_kinds: Collection[str] = (),
        read_session_factory: Callable[[], Session] | None = None,
        on_dead: DeathHook | None = None,
        on_breaker: BreakerHook | None = None,
        gather_seconds: float = 0.0,
        burst: BurstPolicy | None = None,
    ) -> None:
        if concurrency < 1 or lease_seconds <= 0 or gather_seconds < 0:
            raise ValueError(
                "concurrency must be at least 1, lease_seconds positive, gather_seconds >= 0"
            )
        self._handlers = dict(handlers)
        self._kinds = tuple(sorted(self._handlers))
        self.worker_id = worker_id or default_worker_id()
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.poll_interval = poll_interval
        self.gather_seconds = gather_seconds
        self.burst = burst
        self.claims = 0  # claims that took jobs (tests, benches: jobs per claim)
        self._clock = clock
        self._db = WorkerDB(
            session_factory,
            read_session_factory or session_factory,
            worker_id=self.worker_id,
            lease_seconds=lease_seconds,
            clock=clock,
            on_dead=on_dead,
        )
        self.on_breaker = on_breaker
        self.retry_policy = retry_policy or RetryPolicy()
        self.metrics = metrics
        self.grace_seconds = lease_seconds if grace_seconds is None else grace_seconds
        self.wakeup = wakeup
        # Kinds that carry a connection but seldom call it (stored webhooks) are not
        # paced nor counted by its breaker: see messaging/guard.py.
        self.guard = ConnectionGuard(breaker, rate_limiter, frozenset(unguarded_kinds))
        self._inflight: dict[asyncio.Task[None], JobView] = {}
        # Made per run: an asyncio.Event belongs to the event loop that first waits on it.
        self._stopping: asyncio.Event | None = None
        self._stop_requested = False
        self.processed = 0
        self._ended = 0  # tasks finished so far; tells a stale empty claim from idleness

    def stop(self) -> None:
        """Ask the worker to finish: claim nothing more, let running handlers end.

        Call it from the worker's event loop (a signal handler installed with
        ``loop.add_signal_handler`` is the usual place).
        """
        self._stop_requested = True
        if self._stopping is not None:
            self._stopping.set()

    async def run(self) -> None:
        """Claim and run jobs until :meth:`stop`; then wait up to ``grace_seconds``."""
        await self._loop(until_idle=False)

    async def run_until_idle(self) -> int:
        """Run jobs until none is due and none is running; return how many tries ran."""
        before = self.processed
        await self._loop(until_idle=True)
        return self.processed - before

    async def _loop(self, *, until_idle: bool) -> None:
        stopping = self._stopping = asyncio.Event()
        if self._stop_requested:
            stopping.set()
        self._stop_requested = False
        renewer = asyncio.create_task(self._renew_forever())
        stop_waiter = asyncio.create_task(stopping.wait())
        signal = self.wakeup.subscribe() if self.wakeup is not None else asyncio.Event()
        woken = asyncio.create_task(signal.wait())
        refill_at = max(1, self.concurrency // 2)
        expecting = False  # work is surely waiting: claim without asking first
        outage = Backoff(self.poll_interval)
        gather = Gather(0.0 if until_idle else self.gather_seconds)
        try:
            while not stopping.is_set():
                limit = self._limit()
                free = limit - len(self._inflight)
                ended_before_claim = self._ended
                claimed: list[JobView] = []
                if (
                    free > 0
                    and (free >= min(refill_at, limit) or not self._inflight)
                    and (not gather.holding())
                ):
                    try:
                        claimed = await self._claim(free, expecting=expecting)
                        expecting = len(claimed) == free  # a full batch: more may wait
                        gather.claimed(len(claimed), full=len(claimed) >= refill_at)
                        outage.clear()
                    except Exception as exc:
                        if until_idle:
                            raise
                        # The database is away (failover, restart): try again, less
                        # often the longer it lasts. The engine's watch logs the outage
                        # once; anything else is logged each time.
                        if not unavailable(exc):
                            _log.warning("claiming jobs failed", error=str(exc))
                        outage.failed()
                for job in claimed:
                    task = asyncio.create_task(self._execute(job))
                    self._inflight[task] = job
                    task.add_done_callback(self._task_ended)
                # Idle only if no job ended during the claim: its commit may have
                # unblocked a job (same key) that the claim's snapshot still saw busy.
                quiet = self._ended == ended_before_claim
                if until_idle and not claimed and not self._inflight and quiet:
                    return
                waiters: set[asyncio.Future[Any]] = {stop_waiter, *self._inflight}
                full = len(self._inflight) >= limit
                timeout = None if full else self.poll_interval
                if timeout is not None and outage.delay:
                    timeout = outage.delay
                if timeout is not None and gather.holding():
                    timeout = min(timeout, gather.left())  # then claim what gathered
                if timeout is not None:
                    waiters.add(woken)
                recheck = self.burst.recheck_in() if self.burst is not None else None
                if recheck is not None:  # deferring: look again when the burst may be over
                    timeout = recheck if timeout is None else min(timeout, recheck)
                await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                if woken.done():
                    expecting = True
                    signal.clear()
                    woken = asyncio.create_task(signal.wait())
        finally:
            await self._drain()
            woken.cancel()
            if self.wakeup is not None:
                self.wakeup.unsubscribe(signal)
            stop_waiter.cancel()
            renewer.cancel()
            self._stopping = None

    def _limit(self) -> int:
        """The jobs that may run now: all of ``concurrency``, fewer during a burst."""
        if self.burst is None:
            return self.concurrency
        return self.burst.slots(self.concurrency)

    def _task_ended(self, task: asyncio.Task[None]) -> None:
        self._inflight.pop(task, None)
        self._ended += 1

    async def _claim(self, limit: int, *, expecting: bool) -> list[JobView]:
        blocked = self.guard.blocked()
        running = [job.id for job in self._inflight.values()]
        jobs = await self._db.claim(
            limit, self._kinds, blocked, probe=not expecting, in_flight=running
        )
        if jobs:
            self.claims += 1
        return jobs

    async def _execute(self, job: JobView) -> None:
        # Each job runs in its own task: every line logged for it carries these ids.
        start_log_context(job_fields(job.id, job.kind, job.connection_id, job.payload))
        if not self.guard.admits(job):
            await self._db.release(job)
            return
        await self.guard.pace(job)
        exchange = begin_exchange()
        started = time.perf_counter()
        if job.attempt > self.retry_policy.max_attempts:
            # Every allowed try died with its worker (a poison job): stop feeding it workers.
            error = f"gave up: the last {job.attempt - 1} tries never finished"
            settlement = Settlement(AttemptOutcome.CRASHED, JobStatus.DEAD, error=error)
            await self._settle(job, settlement, started, exchange)
            return
        now = self._clock
        lease = CURRENT_LEASE.set(functools.partial(self._confirm_lease, job))
        writes: list[SettleWrite] = []
        handed = CURRENT_WRITES.set(writes)
        try:
            result = await self._handlers[job.kind](job)
            settlement = Settlement(
                AttemptOutcome.SUCCEEDED,
                JobStatus.SUCCEEDED,
                result=result or None,
                writes=tuple(writes),
            )
        except asyncio.CancelledError:
            # Shutdown cut the call short: whether it reached the remote side is unknown,
            # so the job goes straight back to the queue and the try counts as crashed.
            crashed = retry_or_bury(
                self.retry_policy, job, AttemptOutcome.CRASHED, "worker stopped mid-try", now()
            )
            kept = self._db.settle_now(job, crashed, started, exchange)
            self._record(job, crashed, started, kept)
            raise
        except PermanentError as exc:
            settlement = Settlement(
                AttemptOutcome.PERMANENT, JobStatus.DEAD, error=str(exc), code=exc.code
            )
        except TransientError as exc:
            settlement = retry_or_bury(
                self.retry_policy, job, AttemptOutcome.TRANSIENT, str(exc), now(), exc.retry_after
            )
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            # The database went away mid-try: whether the call reached the remote side
            # is unknown, as after a crash, so the job is due again at once (its
            # handler looks before it re-creates).
            outcome = AttemptOutcome.CRASHED if unavailable(exc) else AttemptOutcome.TRANSIENT
            settlement = retry_or_bury(self.retry_policy, job, outcome, message, now())
        CURRENT_WRITES.reset(handed)
        CURRENT_LEASE.reset(lease)
        await self._settle(job, settlement, started, exchange)

    async def _settle(
        self, job: JobView, settlement: Settlement, started: float, exchange: Exchange
    ) -> None:
        """Record the try's outcome. While the database is away, keep trying (the job
        stays this worker's, its lease renewed once the database answers): the job is
        handed back the moment the database returns, not when its lease runs out. For
        a lease's length at most: past that, the lease decides (another try of the job
        is claimed once it lapses), so a settle that never succeeds cannot hold the job."""
        backoff = Backoff(self.poll_interval)
        give_up = time.monotonic() + self.lease_seconds
        while True:
            try:
                kept = await self._db.settle(job, settlement, started, exchange)
                break
            except WriteFailed as failed:
                # The try's own writes (what the POS answered) could not be stored.
                # While the database is away, keep them and try again; otherwise the
                # try failed after its call, as if its handler had raised: retried
                # (and the retry looks before it calls again).
                cause = failed.__cause__ or failed
                waiting = not self._stopping_now() and time.monotonic() <= give_up
                if unavailable(cause) and waiting:
                    backoff.failed()
                    await asyncio.sleep(backoff.delay)
                    continue
                outcome = AttemptOutcome.CRASHED if unavailable(cause) else AttemptOutcome.TRANSIENT
                message = f"{type(cause).__name__}: {cause}"
                settlement = retry_or_bury(self.retry_policy, job, outcome, message, self._clock())
            except Exception as exc:
                stopping = self._stopping_now()
                if not unavailable(exc) or stopping or time.monotonic() > give_up:
                    # The outcome could not be written; the lease will expire and the
                    # job be retried.
                    _log.error("recording the try failed", job_id=job.id, error=str(exc))
                    return
                backoff.failed()
                await asyncio.sleep(backoff.delay)
        changed = self._record(job, settlement, started, kept)
        if self.on_breaker is None or not job.connection_id:
            return
        working = self.guard.first_success(job, settlement.outcome)
        if changed is None and working is not None:
            changed = False  # clears what a worker that died with its circuit open left
        if changed is not None:
            try:
                await asyncio.to_thread(self.on_breaker, job.connection_id, changed)
            except Exception as exc:  # the circuit still works; only its incident is late
                _log.error(
                    "recording the circuit change failed",
                    connection_id=job.connection_id,
                    error=repr(exc),
                )

    def _stopping_now(self) -> bool:
        return self._stopping is None or self._stopping.is_set()

    def _record(
        self, job: JobView, settlement: Settlement, started: float, kept: bool
    ) -> bool | None:
        """Count the try, feed the breaker, log a failure; return the circuit change."""
        self.processed += 1
        changed = self.guard.record(job, settlement.outcome)
        if self.metrics is not None:
            elapsed = time.perf_counter() - started
            self.metrics.observe_attempt(job.kind, settlement.outcome.value, elapsed)
            if kept and settlement.status is JobStatus.SUCCEEDED:
                self.metrics.observe_success(job.kind, job.created_at, self._clock())
        if not kept:
            _log.warning("lease lost before the try ended", job_id=job.id, kind=job.kind)
        elif settlement.status is not JobStatus.SUCCEEDED:
            _log_failure(job, settlement)
        if changed is not None:
            _log.warning(
                "circuit opened" if changed else "circuit closed",
                connection_id=job.connection_id,
                kind=job.kind,
                job_id=job.id,
            )
        return changed

    async def _confirm_lease(self, job: JobView) -> None:
        if not await self._db.confirm(job):
            raise TransientError(f"job {job.id} was taken over: its lease lapsed")

    async def _renew_forever(self) -> None:
        interval = self.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            ids = [job.id for job in self._inflight.values()]
            if not ids:
                continue
            try:
                await self._db.renew(ids)
            except Exception as exc:  # keep renewing: the next round may reach the database
                if not unavailable(exc):  # an outage is logged once, by the engine's watch
                    _log.warning("lease renewal failed", error=str(exc))

    async def _drain(self) -> None:
        if not self._inflight:
            return
        _done, pending = await asyncio.wait(set(self._inflight), timeout=self.grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _log_failure(job: JobView, settlement: Settlement) -> None:
    """One structured line per failed try: ``job attempt failed`` or ``job dead``."""
    fields: dict[str, Any] = {
        "job_id": job.id,
        "kind": job.kind,
        "connection_id": job.connection_id,
        "attempt": job.attempt,
        "outcome": settlement.outcome.value,
        "error": settlement.error,
    }
    if settlement.code:
        fields["code"] = settlement.code
    fields.update({k: str(job.payload[k]) for k in _LOGGED_IDS if k in job.payload})
    if settlement.status is JobStatus.DEAD:
        _log.error("job dead", **fields)
    else:
        retry_at = settlement.run_after.isoformat() if settlement.run_after else None
        _log.warning("job attempt failed", retry_at=retry_at, **fields)
