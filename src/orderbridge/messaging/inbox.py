"""The inbox: every inbound event is stored, once, before the sender gets its 2xx.

Senders retry (Poster up to 15 times, Wix up to 12 times over several days), and two
deliveries of the same event can arrive at the same moment on two machines. The inbox
makes that harmless: :func:`record_inbound` is a single ``INSERT … ON CONFLICT DO
NOTHING`` on the unique ``(source, external_id)`` pair, so exactly one delivery wins on
both SQLite and PostgreSQL, without a read-then-write race and without an exception
that would abort the caller's transaction.

Events are kept at least :data:`MIN_RETENTION` (7 days) after they arrive, longer than
any sender retries, so a late retry is still recognised as a duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from orderbridge.log import redact_text
from orderbridge.messaging.tables import InboxEvent, InboxStatus
from orderbridge.storage.types import utcnow

MIN_RETENTION = timedelta(days=7)
DEFAULT_RETENTION = timedelta(days=14)


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
    values = {
        "source": source,
        "external_id": external_id,
        "received_at": now or utcnow(),
        "payload": dict(payload),
        "headers": dict(headers or {}),
        "status": InboxStatus.RECEIVED.value,
    }
    dialect = session.get_bind().dialect.name
    unique = ["source", "external_id"]
    if dialect == "postgresql":
        stmt = (
            postgresql.insert(InboxEvent)
            .values(values)
            .on_conflict_do_nothing(index_elements=unique)
            .returning(InboxEvent.id)
        )
    elif dialect == "sqlite":
        stmt = (
            sqlite.insert(InboxEvent)
            .values(values)
            .on_conflict_do_nothing(index_elements=unique)
            .returning(InboxEvent.id)
        )
    else:
        raise NotImplementedError(f"the inbox supports SQLite and PostgreSQL, not {dialect}")
    inserted = session.execute(stmt).scalar_one_or_none()
    return inserted is not None


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
    session.execute(
        update(InboxEvent)
        .where(InboxEvent.source == source, InboxEvent.external_id == external_id)
        .values(
            status=status.value,
            processed_at=now or utcnow(),
            error=redact_text(error)[:4000] if error else None,
        )
    )


def purge_inbox(
    session: Session,
    *,
    older_than: timedelta = DEFAULT_RETENTION,
    now: datetime | None = None,
) -> int:
    """Delete processed events received more than ``older_than`` ago; return how many.

    Events still ``received`` or ``failed`` are kept whatever their age: they are work
    not yet done. ``older_than`` below :data:`MIN_RETENTION` is refused, because a
    sender's late retry of a forgotten event would be taken as new.
    """
    if older_than < MIN_RETENTION:
        raise ValueError(f"inbox retention must be at least {MIN_RETENTION}")
    cutoff = (now or utcnow()) - older_than
    result = session.execute(
        delete(InboxEvent).where(
            InboxEvent.status == InboxStatus.PROCESSED.value,
            InboxEvent.received_at < cutoff,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
