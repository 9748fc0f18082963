"""The inbox: every inbound event is stored, once, before the sender gets its 2xx.

Senders retry (Poster up to 15 times, Wix up to 12 times over several days), and two
deliveries of the same event can arrive at the same moment on two machines. The inbox
makes that harmless: :func:`record_inbound` is a single ``INSERT … ON CONFLICT DO
NOTHING`` on the unique ``(source, external_id)`` pair, so exactly one delivery wins on
both SQLite and PostgreSQL, without a read-then-write race and without an exception
that would abort the caller's transaction.

Events are kept at least :data:`MIN_RETENTION` (7 days) after they arrive, longer than
any sender retries, so a late retry is still recognised as a duplicate.

An event's job carries a reference to it (:func:`with_inbox_ref`); when the job ends
(succeeded, or dead) the worker closes the event in the same transaction
(:func:`close_event`), and only closed events are ever purged (:func:`purge_inbox`).
"""

from __future__ import annotations

import functools
from collections.abc import Container, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Insert, Table, Update, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from orderbridge.log import redact_text
from orderbridge.messaging.tables import InboxEvent, InboxStatus
from orderbridge.storage.types import utcnow

MIN_RETENTION = timedelta(days=7)
DEFAULT_RETENTION = timedelta(days=14)
# The key under which a job's payload names the inbox event it handles.
INBOX_REF = "inbox_event"
_EVENTS = cast(Table, InboxEvent.__table__)


def with_inbox_ref(payload: Mapping[str, Any], source: str, external_id: str) -> dict[str, Any]:
    """``payload`` for the job that handles event ``(source, external_id)``."""
    return {**payload, INBOX_REF: {"source": source, "external_id": external_id}}


def close_event(
    session: Session, job_payload: Mapping[str, Any], *, error: str | None, now: datetime
) -> None:
    """Mark the event a job handled processed (``error``: failed), if it names one."""
    ref = job_payload.get(INBOX_REF)
    if isinstance(ref, Mapping):
        mark_processed(session, str(ref["source"]), str(ref["external_id"]), error=error, now=now)


def record_inbound(
    session: Session,
    source: str,
    external_id: str,
    payload: Mapping[str, Any],
    headers: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> bool:
    """Store an inbound event in the caller's transaction; ``False`` if it is a duplicate.

    ``source`` names the sender (``poster``, ``wix:<connection>``), ``external_id`` is the
    sender's own id of the event. The caller commits, then answers 2xx: an event that
    was acknowledged is always in the table. Headers should already be stripped of
    secrets (signatures, authorization).
    """
    stmt = _insert_once(session.get_bind().dialect.name)
    values = _row(source, external_id, payload, headers, now or utcnow())
    return session.execute(stmt, values).first() is not None


def record_inbound_many(
    session: Session,
    events: Sequence[tuple[str, str, Mapping[str, Any]]],
    *,
    now: datetime | None = None,
    processed: Container[tuple[str, str]] = (),
) -> set[tuple[str, str]]:
    """Store ``(source, external_id, payload)`` events with one statement, no headers.

    Returns the ``(source, external_id)`` pairs that were new; an event repeated within
    ``events`` is stored once. The pairs in ``processed`` are events that need no work:
    they are stored already ``processed`` (at ``now``), for dedup and audit only. Same
    contract as :func:`record_inbound` otherwise.
    """
    if not events:
        return set()
    stmt = _insert_once(session.get_bind().dialect.name)
    received = now or utcnow()
    rows = {
        (s, e): _row(s, e, payload, None, received, done=(s, e) in processed)
        for s, e, payload in events
    }
    return {(row.source, row.external_id) for row in session.execute(stmt, list(rows.values()))}


def _row(
    source: str,
    external_id: str,
    payload: Mapping[str, Any],
    headers: Mapping[str, Any] | None,
    now: datetime,
    *,
    done: bool = False,
) -> dict[str, Any]:
    return {
        "source": source,
        "external_id": external_id,
        "received_at": now,
        "payload": dict(payload),
        "headers": dict(headers or {}),
        "status": (InboxStatus.PROCESSED if done else InboxStatus.RECEIVED).value,
        "processed_at": now if done else None,
    }


@functools.cache
def _insert_once(dialect: str) -> Insert:
    # Built once per dialect, on the Core table (no ORM bookkeeping): the webhook
    # ingress runs it for every request.
    table = cast(Table, InboxEvent.__table__)
    unique = ["source", "external_id"]
    new = (table.c.source, table.c.external_id)
    if dialect == "postgresql":
        pg = postgresql.insert(table).on_conflict_do_nothing(index_elements=unique)
        return pg.returning(*new)
    if dialect == "sqlite":
        lite = sqlite.insert(table).on_conflict_do_nothing(index_elements=unique)
        return lite.returning(*new)
    raise NotImplementedError(f"the inbox supports SQLite and PostgreSQL, not {dialect}")


def mark_processed(
    session: Session,
    source: str,
    external_id: str,
    *,
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record that an event was handled (``error`` set: handled and failed)."""
    status = InboxStatus.FAILED if error else InboxStatus.PROCESSED
    session.connection().execute(
        _mark_statement(),
        {
            "the_source": source,
            "the_id": external_id,
            "new_status": status.value,
            "done_at": now or utcnow(),
            "new_error": redact_text(error)[:4000] if error else None,
        },
    )


@functools.cache
def _mark_statement() -> Update:
    c = _EVENTS.c
    return (
        update(_EVENTS)
        .where(c.source == bindparam("the_source"), c.external_id == bindparam("the_id"))
        .values(
            status=bindparam("new_status"),
            processed_at=bindparam("done_at"),
            error=bindparam("new_error"),
        )
    )


def purge_inbox(
    session: Session,
    *,
    older_than: timedelta = DEFAULT_RETENTION,
    now: datetime | None = None,
    limit: int | None = None,
) -> int:
    """Delete processed events received more than ``older_than`` ago; return how many.

    Events still ``received`` or ``failed`` are kept whatever their age: they are work
    not yet done. ``older_than`` below :data:`MIN_RETENTION` is refused, because a
    sender's late retry of a forgotten event would be taken as new. ``limit`` deletes
    at most that many (the oldest first), to keep each transaction short.
    """
    if older_than < MIN_RETENTION:
        raise ValueError(f"inbox retention must be at least {MIN_RETENTION}")
    cutoff = (now or utcnow()) - older_than
    doomed = select(InboxEvent.id).where(
        InboxEvent.status == InboxStatus.PROCESSED.value,
        InboxEvent.received_at < cutoff,
    )
    if limit is not None:
        doomed = doomed.order_by(InboxEvent.received_at).limit(limit)
    result = session.execute(delete(InboxEvent).where(InboxEvent.id.in_(doomed)))
    return int(getattr(result, "rowcount", 0) or 0)
