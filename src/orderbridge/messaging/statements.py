"""The SQL of the worker's hot path, built once as Core statements and reused.

Building an ORM-level ``UPDATE … RETURNING`` costs SQLAlchemy far more CPU than the
database spends running it. The statements here are plain Core on the
``outbox_jobs`` / ``job_attempts`` tables, with every per-call value a named
``bindparam``; each is built once, so SQLAlchemy memoises its cache key on the object and
finds its compiled form in the engine's cache on every later call. Only what changes the
SQL's shape is part of a statement's identity: the dialect, the kinds a worker claims and
the connections whose circuits are open (:func:`claim_statement`'s small cache).

Bind names never repeat a column name (a Core ``UPDATE`` would take such a parameter
for a column to set). The queries themselves are explained where they are used:
:func:`orderbridge.messaging.outbox.claim` and :mod:`orderbridge.messaging.attempts`.

The inserts of the webhook ingress (:func:`insert_job`, and the inbox's own) are
driver-level SQL (``Connection.exec_driver_sql``), with values already in the form the
database stores: JSON documents as JSON text (what the JSON column type writes),
timestamps as :func:`~orderbridge.sql.driver.stored_time` gives them (see
:mod:`orderbridge.sql.driver`, which the order inserts of ``storage`` share).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from typing import Any, Protocol, cast

from sqlalchemy import (
    Delete,
    Dialect,
    Insert,
    Integer,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from orderbridge.messaging.tables import AttemptOutcome, JobAttempt, JobStatus, OutboxJob
from orderbridge.sql.driver import driver_param
from orderbridge.sql.types import UTCDateTime

JOBS = cast(Table, OutboxJob.__table__)
ATTEMPTS = cast(Table, JobAttempt.__table__)

_PENDING = JobStatus.PENDING.value
_RUNNING = JobStatus.RUNNING.value
_CLAIMS_KEPT = 256  # distinct (dialect, kinds, open circuits) shapes; then start afresh

ClaimShape = tuple[str, tuple[str, ...] | None, tuple[str, ...]]
_claims: dict[ClaimShape, Update] = {}
_claims_guard = threading.Lock()


class DriverSql(Protocol):
    """What driver-level statements need of a transaction: a SQLAlchemy ``Connection``,
    or the DB-API cursor of a batch written without one
    (:class:`~orderbridge.messaging.direct_sqlite.DirectTransaction`). ``parameters`` as
    a list of tuples is an executemany (its result is not read)."""

    @property
    def dialect(self) -> Dialect: ...

    def exec_driver_sql(self, statement: str, parameters: Any = ...) -> Iterable[Any]: ...


class Executes(Protocol):
    """What :func:`~orderbridge.messaging.outbox.claim` needs of a transaction: a
    SQLAlchemy ``Connection``, or a direct one on SQLite
    (:class:`~orderbridge.messaging.direct_sqlite.DirectTransaction`). A list of
    parameter mappings runs the statement once per mapping."""

    @property
    def dialect(self) -> Dialect: ...

    def execute(self, statement: Any, parameters: Any = ..., /) -> Iterable[Any]: ...


@functools.cache
def insert_job(dialect: str) -> str:
    """Driver-level SQL adding a pending ``outbox_jobs`` row, due at once (executemany).

    Positional parameters: kind, payload (JSON text), key, connection id, and the
    creation time (a :func:`stored_time`) three times: ``run_after``, ``created_at``,
    ``updated_at``.
    """
    p, doc = driver_param(dialect), driver_param(dialect, json=True)
    # Placeholders and constants only: no value is ever written into the SQL.
    return (
        'INSERT INTO outbox_jobs (kind, payload, "key", connection_id, status, attempts,'  # noqa: S608
        " total_attempts, run_after, created_at, updated_at)"
        f" VALUES ({p}, {doc}, {p}, {p}, '{_PENDING}', 0, 0, {p}, {p}, {p})"
    )


def pending_job(dialect: str) -> str:
    """Driver-level SQL: a row when a job of ``kind`` and ``key`` (positional) is still
    waiting for its first (or next) try (``outbox.is_pending`` for hot paths)."""
    p = driver_param(dialect)
    return (
        f'SELECT 1 FROM outbox_jobs WHERE kind = {p} AND "key" = {p}'  # noqa: S608
        f" AND status = '{_PENDING}' LIMIT 1"
    )


def _now() -> BindParameter[object]:
    return bindparam("now", type_=UTCDateTime())


def _literals(values: tuple[str, ...]) -> list[ColumnElement[str]]:
    # One bound literal per value: the statement needs no "expanding" IN at each call.
    return [literal(value, String()) for value in values]


def _claimable(now: BindParameter[object]) -> ColumnElement[bool]:
    """Due pending jobs and running jobs whose lease expired (key order aside)."""
    c = JOBS.c
    return or_(
        and_(c.status == _PENDING, c.run_after <= now),
        and_(c.status == _RUNNING, c.lease_expires_at < now),
    )


def claim_statement(
    dialect: str, kinds: tuple[str, ...] | None, skip_connections: tuple[str, ...]
) -> Update:
    """The claim ``UPDATE … RETURNING`` of this shape (built on first use, then kept).

    Binds: ``now``, ``lease_until``, ``claimer``, ``max_jobs``, ``in_flight`` (a list of
    job ids not to take, possibly empty). Returns the columns of a
    :class:`~orderbridge.messaging.outbox.JobView`, in its field order.
    """
    shape: ClaimShape = (dialect, kinds, skip_connections)
    stmt = _claims.get(shape)
    if stmt is None:
        stmt = _build_claim(*shape)
        with _claims_guard:
            if len(_claims) >= _CLAIMS_KEPT:
                _claims.clear()
            stmt = _claims.setdefault(shape, stmt)
    return stmt


def _build_claim(
    dialect: str, kinds: tuple[str, ...] | None, skip_connections: tuple[str, ...]
) -> Update:
    c = JOBS.c
    now = _now()
    earlier = JOBS.alias("earlier")
    key_busy = exists().where(
        earlier.c.key == c.key,
        earlier.c.id < c.id,
        earlier.c.status.in_(_literals((_PENDING, _RUNNING))),
    )
    # A worker never takes over a job it is itself still running (its own lease may
    # have lapsed while its renewal waited on a busy database): ``in_flight`` lists
    # them. Another worker may; the running try's lease fence then stops it.
    in_flight = c.id.not_in(bindparam("in_flight", expanding=True, type_=Integer()))
    conditions = [_claimable(now), ~key_busy, in_flight]
    if kinds is not None:
        conditions.append(c.kind.in_(_literals(kinds)))
    if skip_connections:
        conditions.append(
            or_(c.connection_id.is_(None), c.connection_id.not_in(_literals(skip_connections)))
        )
    candidates = (
        select(c.id)
        .where(*conditions)
        .order_by(c.run_after, c.id)
        .limit(bindparam("max_jobs", type_=Integer()))
    )
    if dialect == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimable = candidates.cte("claimable")
    if dialect == "postgresql":
        claimable = claimable.prefix_with("MATERIALIZED")
    return (
        update(JOBS)
        .where(c.id.in_(select(claimable.c.id)))
        .values(
            status=_RUNNING,
            lease_owner=bindparam("claimer", type_=String()),
            lease_expires_at=bindparam("lease_until", type_=UTCDateTime()),
            attempts=c.attempts + 1,
            total_attempts=c.total_attempts + 1,
            updated_at=now,
        )
        .returning(
            c.id,
            c.kind,
            c.key,
            c.payload,
            c.attempts,
            c.connection_id,
            c.total_attempts,
            c.created_at,
        )
    )


@functools.cache
def probe_statement(kinds: tuple[str, ...] | None) -> Select[tuple[int]]:
    """One id of a job that may be claimable at ``now`` (bind), or no row.

    Ignores the per-key order and open circuits, so it may find a job the claim would
    not take, but never misses one it would.
    """
    conditions = [_claimable(_now())]
    if kinds is not None:
        conditions.append(JOBS.c.kind.in_(_literals(kinds)))
    return select(JOBS.c.id).where(*conditions).limit(1)


@functools.cache
def insert_attempt() -> Insert:
    """A new ``job_attempts`` row; execute with the columns as parameters."""
    return insert(ATTEMPTS)


@functools.cache
def first_tries() -> Select[Any]:
    """(job id, when its first try started) of the jobs ``job_ids`` (expanding bind)."""
    a = ATTEMPTS.c
    return (
        select(a.job_id, func.min(a.started_at))
        .where(a.job_id.in_(bindparam("job_ids", expanding=True)))
        .group_by(a.job_id)
    )


@functools.cache
def mark_crashed() -> Update:
    """Close the open attempt rows of the retaken jobs ``job_ids`` (expanding bind)."""
    a = ATTEMPTS.c
    return (
        update(ATTEMPTS)
        .where(a.job_id.in_(bindparam("job_ids", expanding=True)), a.outcome.is_(None))
        .values(outcome=AttemptOutcome.CRASHED.value, error="lease expired before the try finished")
    )


@functools.cache
def renew() -> Update:
    """Extend ``holder``'s leases on ``job_ids`` to ``lease_until``; returns the kept ids."""
    c = JOBS.c
    return (
        update(JOBS)
        .where(
            c.id.in_(bindparam("job_ids", expanding=True)),
            c.lease_owner == bindparam("holder", type_=String()),
            c.status == _RUNNING,
        )
        .values(lease_expires_at=bindparam("lease_until", type_=UTCDateTime()), updated_at=_now())
        .returning(c.id)
    )


@functools.cache
def renew_try() -> Update:
    """Extend ``holder``'s lease on ``the_job`` to ``lease_until`` while it still runs
    try ``try_no``; returns the job's id, or nothing once the try lost the job."""
    return (
        _owned()
        .values(lease_expires_at=bindparam("lease_until", type_=UTCDateTime()), updated_at=_now())
        .returning(JOBS.c.id)
    )


def _owned() -> Update:
    """An update of job ``the_job`` only while ``holder`` still runs its try ``try_no``."""
    c = JOBS.c
    return update(JOBS).where(
        c.id == bindparam("the_job", type_=Integer()),
        c.lease_owner == bindparam("holder", type_=String()),
        c.status == _RUNNING,
        c.total_attempts == bindparam("try_no", type_=Integer()),
    )


@functools.cache
def close_attempt() -> Update:
    """Write how try ``try_no`` of ``the_job`` ended onto its attempt row."""
    a = ATTEMPTS.c
    return (
        update(ATTEMPTS)
        .where(
            a.job_id == bindparam("the_job", type_=Integer()),
            a.number == bindparam("try_no", type_=Integer()),
        )
        .values(
            outcome=bindparam("new_outcome", type_=String()),
            duration_ms=bindparam("took_ms", type_=Integer()),
            error=bindparam("new_error", type_=a.error.type),
            request=bindparam("new_request", type_=a.request.type),
            response=bindparam("new_response", type_=a.response.type),
        )
    )


@functools.cache
def move_job(*, succeeded: bool, reschedule: bool) -> Update:
    """Move an owned job to ``new_status`` and drop its lease.

    A success keeps ``new_result``; anything else keeps ``new_error`` as the job's last
    error. ``reschedule`` also sets ``run_after`` to ``new_run_after``.
    """
    c = JOBS.c
    values: dict[str, object] = {
        "status": bindparam("new_status", type_=String()),
        "lease_owner": None,
        "lease_expires_at": None,
        "updated_at": _now(),
    }
    if succeeded:
        values["result"] = bindparam("new_result", type_=c.result.type)
    else:
        values["last_error"] = bindparam("new_error", type_=c.last_error.type)
    if reschedule:
        values["run_after"] = bindparam("new_run_after", type_=UTCDateTime())
    return _owned().values(values)


@functools.cache
def give_back() -> Update:
    """Return an owned job to ``pending`` at ``new_run_after`` without counting the try."""
    c = JOBS.c
    return _owned().values(
        status=_PENDING,
        lease_owner=None,
        lease_expires_at=None,
        run_after=bindparam("new_run_after", type_=UTCDateTime()),
        attempts=c.attempts - 1,
        total_attempts=c.total_attempts - 1,
    )


@functools.cache
def drop_attempt() -> Delete:
    """Delete the attempt row of try ``try_no`` of ``the_job`` (a try given back untried)."""
    a = ATTEMPTS.c
    return delete(ATTEMPTS).where(
        a.job_id == bindparam("the_job", type_=Integer()),
        a.number == bindparam("try_no", type_=Integer()),
    )
