"""The outbox: outbound calls written with the state change that needs them, then claimed.

:func:`enqueue` adds a job inside the caller's transaction: if the order is saved the call
will be made, if the transaction rolls back there is no job. Workers then :func:`claim`
jobs by lease. Claiming is one statement on both databases:

* PostgreSQL: ``WITH claimable AS MATERIALIZED (SELECT … FOR UPDATE SKIP LOCKED) UPDATE
  … RETURNING``: any number of workers on any number of machines take disjoint jobs
  without waiting on each other (the CTE is materialised so its ``LIMIT`` is applied
  once, never rescanned into more locked rows).
* SQLite: the same ``UPDATE … RETURNING`` inside the ``BEGIN IMMEDIATE`` transaction
  that :func:`orderbridge.storage.db.make_engine` uses, so one writer at a time claims.

A job is claimable when it is ``pending`` and due, or ``running`` under an expired lease
(its worker died: the job is taken over and the dead try is marked ``crashed``). Jobs
sharing a ``key`` run strictly one after another in id order: a job is never claimed
while an earlier job with its key is pending or running. A dead earlier job does not
block the key, so one dead letter cannot freeze an order forever; keys follow commit
order, so enqueue one key's jobs from transactions that are serialised anyway (for
instance on the order's row).

An idle worker first asks :func:`might_claim`, a read that takes no write lock and
errs towards "yes", and claims only when it answers yes. The claim's statements are
built once (:mod:`orderbridge.messaging.statements`): SQLAlchemy spends far more CPU
building an ORM ``UPDATE`` than SQLite spends running it.

Time comes from the caller (``now``), i.e. the workers' clocks; leases of tens of
seconds tolerate the clock skew of NTP-synchronised machines.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from orderbridge.messaging import statements
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.messaging.wakeup import ENQUEUED
from orderbridge.sql.driver import stored_time
from orderbridge.sql.types import utcnow


@dataclass(frozen=True)
class JobView:
    """What a handler sees of the job it runs.

    ``attempt`` counts tries since the job was enqueued or revived from the dead letters
    (1 on the first); ``total_attempt`` numbers this try across revivals. When
    ``total_attempt > 1`` an earlier try may have reached the remote system, so a
    handler whose call is not idempotent looks before it repeats it. ``created_at`` is
    when the job was enqueued; ``first_try_at``, on a try after the first, when the
    first try began (nothing the job did can be older: it bounds such a look).
    """

    id: int
    kind: str
    key: str | None
    payload: Mapping[str, Any]
    attempt: int
    connection_id: str | None
    total_attempt: int
    created_at: datetime
    first_try_at: datetime | None = None


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    key: str | None = None,
    connection_id: str | None = None,
    run_after: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Add a job in the caller's transaction and return its id (the caller commits).

    ``kind`` selects the handler, ``key`` (an order id, say) orders jobs that must not
    overtake each other, ``connection_id`` names the external connection the call goes
    to (for its circuit breaker and rate limit), ``run_after`` delays the first try.
    """
    created = now or utcnow()
    job = OutboxJob(
        kind=kind,
        payload=dict(payload),
        key=key,
        connection_id=connection_id,
        status=JobStatus.PENDING.value,
        attempts=0,
        total_attempts=0,
        run_after=run_after or created,
        created_at=created,
        updated_at=created,
    )
    session.add(job)
    session.flush()
    session.info[ENQUEUED] = True  # wakes this process's workers once committed
    return job.id


@dataclass(frozen=True)
class NewJob:
    """A job for :func:`enqueue_many` (see :func:`enqueue` for what the fields mean)."""

    kind: str
    payload: Mapping[str, Any]
    key: str | None = None
    connection_id: str | None = None


def enqueue_many(
    session: Session,
    jobs: Sequence[NewJob],
    *,
    now: datetime | None = None,
    encoded: Sequence[str] | None = None,
    connection: Connection | None = None,
) -> None:
    """Add ``jobs``, due at once, in the caller's transaction with one Core statement.

    For hot paths that need no job ids back (webhook ingress): no ORM objects, one
    executemany however many jobs, of driver-level SQL
    (:func:`orderbridge.messaging.statements.insert_job`). ``encoded`` gives the jobs'
    payloads already as JSON text (``json.dumps``), in the order of ``jobs``.
    ``connection`` is the session's connection when the caller holds it already
    (``Session.connection()`` costs more than the insert of a few jobs).
    """
    if not jobs:
        return
    conn = session.connection() if connection is None else connection
    created = stored_time(conn.dialect, now or utcnow())
    if encoded is None:
        encoded = [json.dumps(dict(job.payload)) for job in jobs]
    insert_jobs(conn, jobs, encoded, created)
    session.info[ENQUEUED] = True  # wakes this process's workers once committed


def insert_jobs(
    conn: statements.DriverSql, jobs: Sequence[NewJob], encoded: Sequence[str], created: object
) -> None:
    """:func:`enqueue_many`'s executemany on ``conn``, ``created`` a ``stored_time``;
    waking the workers is the caller's (``messaging/direct_sqlite.py`` has no session)."""
    conn.exec_driver_sql(
        statements.insert_job(conn.dialect.name),
        [
            (job.kind, payload, job.key, job.connection_id, created, created, created)
            for job, payload in zip(jobs, encoded, strict=True)
        ],
    )


def is_pending(session: Session, kind: str, key: str) -> bool:
    """Whether a job of ``kind`` and ``key`` is waiting for its first (or next) try."""
    found = session.scalar(
        select(OutboxJob.id)
        .where(
            OutboxJob.kind == kind,
            OutboxJob.key == key,
            OutboxJob.status == JobStatus.PENDING.value,
        )
        .limit(1)
    )
    return found is not None


def claim(
    session: Session | statements.Executes,
    worker_id: str,
    limit: int,
    lease_seconds: float,
    now: datetime,
    *,
    kinds: Collection[str] | None = None,
    skip_connections: Collection[str] = (),
    in_flight: Collection[int] = (),
) -> list[JobView]:
    """Lease up to ``limit`` due jobs to ``worker_id`` until ``now + lease_seconds``.

    Runs in the caller's transaction (a Session's, or a direct one on SQLite:
    ``messaging/direct_sqlite.py``); the lease counts only once the caller commits,
    and it must commit promptly. Only ``kinds`` are claimed when given (a worker takes
    only jobs it has handlers for); jobs of ``skip_connections`` (open circuits) stay
    put, and so do ``in_flight``, the jobs the claiming worker is running (even if
    their leases lapsed: it must not run one job twice at once). Each claimed job gets
    a ``job_attempts`` row started now.

    The statements are prebuilt (:mod:`orderbridge.messaging.statements`), one per
    dialect, set of kinds and set of open circuits.
    """
    wanted = None if kinds is None else _shape(kinds)
    if limit <= 0 or wanted == ():
        return []
    conn = session.connection() if isinstance(session, Session) else session
    stmt = statements.claim_statement(conn.dialect.name, wanted, _shape(skip_connections))
    params = {
        "now": now,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "claimer": worker_id,
        "max_jobs": limit,
        "in_flight": list(in_flight),
    }
    views = sorted((JobView(*row) for row in conn.execute(stmt, params)), key=_by_id)
    if not views:
        return []
    retaken = [v.id for v in views if v.total_attempt > 1]
    if retaken:
        tries = list(conn.execute(statements.first_tries(), {"job_ids": retaken}))
        firsts: dict[int, datetime] = {job_id: at for job_id, at in tries}
        views = [replace(v, first_try_at=firsts.get(v.id)) if v.id in firsts else v for v in views]
        conn.execute(statements.mark_crashed(), {"job_ids": retaken})
    rows = [
        {"job_id": v.id, "number": v.total_attempt, "worker_id": worker_id, "started_at": now}
        for v in views
    ]
    conn.execute(statements.insert_attempt(), rows[0] if len(rows) == 1 else rows)
    return views


def might_claim(session: Session, now: datetime, *, kinds: Collection[str] | None = None) -> bool:
    """Whether :func:`claim` at ``now`` could find a job: one cheap read, no write lock.

    ``True`` when some job of ``kinds`` is pending and due or running under an expired
    lease. It errs on the side of ``True`` (a job held back by an earlier job of its key,
    or by an open circuit, still counts) and is never ``False`` when a claim at the same
    ``now`` and snapshot would take a job, so an idle worker can ask it in a read-only
    transaction (``storage.db.read_only``) instead of queueing for SQLite's writer.
    """
    wanted = None if kinds is None else _shape(kinds)
    if wanted == ():
        return False
    found = session.connection().execute(statements.probe_statement(wanted), {"now": now}).first()
    return found is not None


def _shape(values: Collection[str]) -> tuple[str, ...]:
    """A canonical tuple of ``values`` (the statements' cache key)."""
    return tuple(sorted(set(values)))


def _by_id(view: JobView) -> int:
    return view.id


def renew_leases(
    session: Session,
    worker_id: str,
    job_ids: Collection[int],
    lease_seconds: float,
    now: datetime,
) -> set[int]:
    """Extend the leases ``worker_id`` still holds; return the ids it still holds.

    A job missing from the answer was taken over after its lease expired: its worker
    must not record the job's outcome (its attempt row is still its own).
    """
    if not job_ids:
        return set()
    params = {
        "job_ids": list(job_ids),
        "holder": worker_id,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "now": now,
    }
    return set(session.connection().execute(statements.renew(), params).scalars())


def renew_try(
    session: Session, job: JobView, worker_id: str, lease_seconds: float, now: datetime
) -> bool:
    """Extend the lease of ``job`` for the try ``worker_id`` runs (``job.total_attempt``)
    to ``now + lease_seconds``; ``False`` if that try no longer holds the job (it was
    taken over, by another worker or by a later try)."""
    params = {
        "the_job": job.id,
        "holder": worker_id,
        "try_no": job.total_attempt,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "now": now,
    }
    return session.connection().execute(statements.renew_try(), params).first() is not None


def purge_succeeded(
    session: Session, *, older_than: timedelta, now: datetime, limit: int | None = None
) -> int:
    """Delete succeeded jobs (and their attempt rows) last touched before ``now - older_than``.

    Dead, pending and running jobs are never purged. Keep succeeded jobs as long as the
    dashboard should show their order timelines' delivery details; returns how many went.
    ``limit`` deletes at most that many, to keep each transaction short.
    """
    if older_than < timedelta(0):
        raise ValueError("older_than must not be negative")
    doomed = select(OutboxJob.id).where(
        OutboxJob.status == JobStatus.SUCCEEDED.value,
        OutboxJob.updated_at < now - older_than,
    )
    if limit is not None:
        doomed = doomed.limit(limit)
    result = session.execute(
        delete(OutboxJob)
        .where(OutboxJob.id.in_(doomed))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
