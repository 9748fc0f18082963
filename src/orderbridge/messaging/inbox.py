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
import json
import json.encoder
from collections.abc import Callable, Container, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import chain
from json.encoder import encode_basestring_ascii
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, delete, select, update
from sqlalchemy.orm import Session

from orderbridge.log import redact_text
from orderbridge.messaging.statements import DriverSql
from orderbridge.messaging.tables import InboxEvent, InboxStatus
from orderbridge.sql.driver import driver_param, stored_time
from orderbridge.sql.types import utcnow

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
    conn = session.connection()
    stamp = stored_time(conn.dialect, now or utcnow())
    row = _row(source, external_id, encode(payload), encode(headers or {}), stamp)
    return conn.exec_driver_sql(_insert_once(conn.dialect.name, 1), row).first() is not None


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
    return record_encoded(
        session.connection(),
        [(s, e, encode(payload), (s, e) in processed) for s, e, payload in events],
        now=now,
    )


def record_encoded(
    conn: DriverSql,
    events: Sequence[tuple[str, str, str, bool]],
    *,
    now: datetime | None = None,
) -> set[tuple[str, str]]:
    """:func:`record_inbound_many` for payloads already JSON text (:func:`encode`).

    Each event is ``(source, external_id, payload JSON, processed)``; runs on the
    connection (or cursor) of the caller's transaction.
    """
    if not events:
        return set()
    dialect = conn.dialect
    stamp = stored_time(dialect, now or utcnow())
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    for source, external_id, payload, done in events:
        if (source, external_id) not in rows:
            rows[source, external_id] = _row(source, external_id, payload, _NO_HEADERS, stamp, done)
    pending = list(rows.values())
    new: set[tuple[str, str]] = set()
    for start in range(0, len(pending), _ROWS_PER_INSERT):
        chunk = pending[start : start + _ROWS_PER_INSERT]
        params = tuple(chain.from_iterable(chunk))
        result = conn.exec_driver_sql(_insert_once(dialect.name, len(chunk)), params)
        new.update((source, external_id) for source, external_id in result)
    return new


def encode(document: Mapping[str, Any]) -> str:
    """``document`` as the inbox's (and the outbox's) JSON columns store it: the text
    ``json.dumps`` writes.

    ``json.dumps`` builds a ``JSONEncoder`` and walks three Python calls before its C
    encoder runs, more than half of the ~1.7 µs a webhook's event costs; the C encoder
    is built here once with ``json.dumps``'s defaults and called directly. It skips
    the circular-reference bookkeeping (a decoded document cannot refer to itself); a
    document that does (deep recursion) goes through ``json.dumps``, which names it.
    """
    value = document if isinstance(document, dict) else dict(document)
    if _c_encoder is None:
        return json.dumps(value)
    try:
        return "".join(_c_encoder(value, 0))
    except RecursionError:
        return json.dumps(value)


def _one_shot_encoder() -> Callable[[Any, int], Sequence[str]] | None:
    """CPython's C JSON encoder with ``json.dumps``'s settings (None where it is missing)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    defaults = json.JSONEncoder()
    return cast(
        Callable[[Any, int], Sequence[str]],
        make(
            None,  # no circular check (see encode)
            defaults.default,
            encode_basestring_ascii,  # ensure_ascii
            None,  # indent
            defaults.key_separator,
            defaults.item_separator,
            defaults.sort_keys,
            defaults.skipkeys,
            defaults.allow_nan,
        ),
    )


_c_encoder = _one_shot_encoder()


def encode_with_ref(payload: Mapping[str, Any], encoded: str, source: str, external_id: str) -> str:
    """``encode(with_inbox_ref(payload, source, external_id))``, given ``encoded`` =
    ``encode(payload)``: the reference is appended to the text, not re-serialised."""
    if INBOX_REF in payload or not encoded.endswith("}"):
        return encode(with_inbox_ref(payload, source, external_id))
    glue = "" if encoded == "{}" else ", "
    ref = f'{_REF_KEY}{{"source": {_string(source)}, "external_id": {_string(external_id)}}}'
    return f"{encoded[:-1]}{glue}{ref}}}"


_REF_KEY = json.dumps(INBOX_REF) + ": "
_string = encode_basestring_ascii  # a str as json.dumps writes it
_NO_HEADERS = encode({})
_RECEIVED = InboxStatus.RECEIVED.value
_PROCESSED = InboxStatus.PROCESSED.value


def _row(
    source: str,
    external_id: str,
    payload: str,
    headers: str,
    stamp: object,
    done: bool = False,
) -> tuple[Any, ...]:
    """One row's parameters for :func:`_insert_once`, in its column order: JSON as
    text, ``stamp`` from :func:`~orderbridge.messaging.statements.stored_time`."""
    if done:
        return (source, external_id, stamp, payload, headers, _PROCESSED, stamp)
    return (source, external_id, stamp, payload, headers, _RECEIVED, None)


_ROWS_PER_INSERT = 256  # 7 parameters a row: far below the databases' limits


@functools.cache
def _insert_once(dialect: str, rows: int) -> str:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING`` of ``rows`` events, driver-level SQL.

    One statement for the batch on both databases (an executemany would return nothing
    on SQLite), written once per dialect and row count: the webhook ingress runs it for
    every batch of requests, and SQLAlchemy's per-row parameter handling would cost
    more than the insert.
    """
    p, doc = driver_param(dialect), driver_param(dialect, json=True)
    values = f"({p}, {p}, {p}, {doc}, {doc}, {p}, {p})"
    return (
        "INSERT INTO inbox_events"  # noqa: S608 (placeholders only)
        " (source, external_id, received_at, payload, headers, status, processed_at)"
        f" VALUES {', '.join([values] * rows)}"
        " ON CONFLICT (source, external_id) DO NOTHING RETURNING source, external_id"
    )


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
