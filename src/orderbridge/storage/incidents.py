"""Incidents and alert destinations in storage: the rows behind ``ports.IncidentStore``.

:class:`IncidentRows` is mixed into the unit of work (``SqlUnitOfWork``); over a bare
session (the dead-letter revival, an admin route) use :class:`SessionIncidents`.
Opening is one ``INSERT … ON CONFLICT DO NOTHING`` on the partial unique index of open
incidents, so two transactions raising the same incident at once open it once, on
SQLite and PostgreSQL alike, without either failing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, exists, func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from orderbridge.ports import Incident, Job, WaitingOrder
from orderbridge.services.alerts import wants
from orderbridge.services.ids import new_id
from orderbridge.storage import tables as t
from orderbridge.storage.alert_tables import CLEARED, OPEN, AlertDestination
from orderbridge.storage.alert_tables import Incident as IncidentRow
from orderbridge.storage.config_rows import endpoint_events
from orderbridge.storage.types import utcnow

if TYPE_CHECKING:
    from orderbridge.storage.uow import JobQueue

_OPEN_ONLY = text("status = 'open'")
_WAITING = ("received", "submitted")
STUCK = "order.stuck"
# Timeline events that (re)start an order's wait for the POS.
_WAIT_STARTS = ("order.received", "order.replayed")


def _incident(row: Any) -> Incident:
    return Incident(
        id=row.id,
        tenant_id=row.tenant_id,
        kind=row.kind,
        subject_id=row.subject_id,
        status=row.status,
        detail=row.detail,
        data=dict(row.data or {}),
        opened_at=row.opened_at,
        cleared_at=row.cleared_at,
    )


class IncidentRows:
    """Incident reads and writes; needs ``session``, ``connection`` and ``queue`` (the
    outbox, for alerts and job statuses) from its host."""

    queue: JobQueue

    @property
    def session(self) -> Session:
        raise NotImplementedError

    @property
    def connection(self) -> Connection:
        return self.session.connection()

    # IncidentStore -----------------------------------------------------------------

    def open_incident(
        self,
        *,
        tenant_id: str,
        kind: str,
        subject_id: str,
        detail: str,
        data: Mapping[str, str],
        now: datetime,
    ) -> Incident | None:
        values = {
            "id": new_id("inc"),
            "tenant_id": tenant_id,
            "kind": kind,
            "subject_id": subject_id,
            "status": OPEN,
            "detail": detail,
            "data": dict(data),
            "opened_at": now,
            "cleared_at": None,
            "updated_at": now,
        }
        conn = self.connection
        insert: Callable[[Any], Any] = sqlite.insert
        if conn.dialect.name == "postgresql":  # imported here: a SQLite hub never loads it
            from sqlalchemy.dialects.postgresql import insert
        inserted = conn.execute(
            insert(IncidentRow)
            .values(**values)
            .on_conflict_do_nothing(
                index_elements=["tenant_id", "kind", "subject_id"], index_where=_OPEN_ONLY
            )
            .returning(IncidentRow.id)
        ).first()
        if inserted is not None:
            return _incident(_Values(values))
        conn.execute(
            update(IncidentRow)
            .where(*_same(tenant_id, kind, subject_id), IncidentRow.status == OPEN)
            .values(detail=detail, data=dict(data), updated_at=now)
        )
        return None

    def close_incidents(
        self,
        *,
        kind: str,
        subject_ids: Sequence[str],
        now: datetime,
        tenant_id: str | None = None,
    ) -> Sequence[Incident]:
        conds = [
            IncidentRow.kind == kind,
            IncidentRow.subject_id.in_(list(subject_ids)),
            IncidentRow.status == OPEN,
        ]
        if tenant_id is not None:
            conds.append(IncidentRow.tenant_id == tenant_id)
        closed = self.connection.execute(
            update(IncidentRow)
            .where(*conds)
            .values(status=CLEARED, cleared_at=now, updated_at=now)
            .returning(*IncidentRow.__table__.columns)
        ).all()
        return [_incident(row) for row in closed]

    def alert_destination_ids_for(self, tenant_id: str, kind: str) -> Sequence[str]:
        found = self.connection.execute(
            select(AlertDestination.id, AlertDestination.events)
            .where(AlertDestination.tenant_id == tenant_id, AlertDestination.active.is_(True))
            .order_by(AlertDestination.created_at, AlertDestination.id)
        )
        return [id for id, events in found if wants(endpoint_events(events), kind)]

    # IncidentWatch -----------------------------------------------------------------

    def open_incidents(
        self, *, kind: str, limit: int, tenant_id: str | None = None
    ) -> Sequence[Incident]:
        query = select(IncidentRow).where(IncidentRow.kind == kind, IncidentRow.status == OPEN)
        if tenant_id is not None:
            query = query.where(IncidentRow.tenant_id == tenant_id)
        rows = self.connection.execute(
            query.order_by(IncidentRow.opened_at, IncidentRow.id).limit(limit)
        )
        return [_incident(row) for row in rows]

    def waiting_orders(self, *, since_before: datetime, limit: int) -> Sequence[WaitingOrder]:
        o, loc = t.OrderRecord, t.Location
        found = self.connection.execute(
            select(
                o.id,
                o.tenant_id,
                o.location_id,
                o.channel_order_id,
                o.status,
                o.created_at,
                o.external_refs,
                loc.stuck_after_minutes,
            )
            .join(loc, loc.id == o.location_id)
            .where(
                o.status.in_(_WAITING),
                o.created_at <= since_before,
                # A location that turned the watch off never fills the batch.
                loc.stuck_after_minutes > 0,
                ~exists().where(
                    IncidentRow.kind == STUCK,
                    IncidentRow.subject_id == o.id,
                    IncidentRow.status == OPEN,
                ),
            )
            .order_by(o.created_at)
            .limit(limit)
        ).all()
        if not found:
            return []
        tl = t.TimelineRecord
        restarts = dict(
            self.connection.execute(
                select(tl.subject_id, func.max(tl.at))
                .where(
                    tl.subject_kind == "order",
                    tl.subject_id.in_([row.id for row in found]),
                    tl.event.in_(_WAIT_STARTS),
                )
                .group_by(tl.subject_id)
            ).all()
        )
        return [
            WaitingOrder(
                order_id=row.id,
                tenant_id=row.tenant_id,
                location_id=row.location_id,
                channel_order_id=row.channel_order_id,
                status=row.status,
                since=max(
                    row.created_at,
                    restarts.get(row.id) or row.created_at,
                    _released(row.external_refs) or row.created_at,
                ),
                stuck_after_minutes=row.stuck_after_minutes,
            )
            for row in found
        ]

    def statuses(self, subject_kind: str, ids: Sequence[str]) -> Mapping[str, str]:
        if subject_kind == "job":  # outbox jobs belong to messaging: ask the queue
            numbers = [int(i) for i in ids if i.isdigit()]
            jobs = self.queue.job_statuses(self.session, numbers)
            return {str(number): status for number, status in jobs.items()}
        table: Any = {
            "order": t.OrderRecord,
            "reservation": t.ReservationRecord,
            "connection": t.Connection,
        }[subject_kind]
        if not ids:
            return {}
        found = self.connection.execute(
            select(table.id, table.status).where(table.id.in_(list(ids)))
        )
        return {id: status for id, status in found}

    def connections_needing_reauth(self) -> Sequence[tuple[str, str, str]]:
        c = t.Connection
        found = self.connection.execute(
            select(c.id, c.tenant_id, c.status_reason)
            .where(c.status == "needs_reauth")
            .order_by(c.id)
        )
        return [(id, tenant, reason) for id, tenant, reason in found]

    def tenant_of_job(self, key: str | None, connection_id: str | None) -> str | None:
        conn = self.connection
        if connection_id:
            found = conn.execute(
                select(t.Connection.tenant_id).where(t.Connection.id == connection_id)
            ).scalar()
            if found is not None:
                return str(found)
        if not key:
            return None
        candidates = {key, key.split(":")[-1], key.partition(":")[0]}
        for table in (t.OrderRecord, t.ReservationRecord, t.Location, t.Connection):
            found = conn.execute(
                select(table.tenant_id).where(table.id.in_(list(candidates))).limit(1)
            ).scalar()
            if found is not None:
                return str(found)
        head = key.partition(":")[0]
        for owner in (t.WebhookEndpoint, AlertDestination):
            found = conn.execute(select(owner.tenant_id).where(owner.id == head)).scalar()
            if found is not None:
                return str(found)
        return None


class _Values(dict[str, Any]):
    """Attribute access to a dict of column values (what ``_incident`` reads)."""

    def __getattr__(self, name: str) -> Any:
        return self[name]


def _same(tenant_id: str, kind: str, subject_id: str) -> list[Any]:
    return [
        IncidentRow.tenant_id == tenant_id,
        IncidentRow.kind == kind,
        IncidentRow.subject_id == subject_id,
    ]


class SessionIncidents(IncidentRows):
    """An ``IncidentStore`` inside a session's transaction (the caller commits); its
    alerts go out through ``queue`` (``messaging.queue.SqlJobQueue``)."""

    def __init__(
        self, session: Session, queue: JobQueue, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._session = session
        self.queue = queue
        self.clock = clock

    @property
    def session(self) -> Session:
        return self._session

    def enqueue_many(self, jobs: Sequence[Job]) -> None:
        self.queue.enqueue_many(self._session, jobs, now=self.clock())


# Incident listings for the dashboard and the admin API -----------------------------


def incidents_of(
    session: Session, tenant_id: str, *, status: str | None = OPEN, limit: int = 100
) -> Sequence[Incident]:
    """The tenant's incidents (open ones by default), newest first."""
    query = select(IncidentRow).where(IncidentRow.tenant_id == tenant_id)
    if status is not None:
        query = query.where(IncidentRow.status == status)
    rows = session.execute(
        query.order_by(IncidentRow.opened_at.desc(), IncidentRow.id.desc()).limit(limit)
    ).scalars()
    return [_incident(row) for row in rows]


def purge_cleared(
    session: Session, *, older_than: timedelta, now: datetime, limit: int | None = None
) -> int:
    """Delete incidents cleared before ``now - older_than`` (open ones are never
    purged); return how many went. ``limit`` keeps each transaction short."""
    doomed = select(IncidentRow.id).where(
        IncidentRow.status == CLEARED, IncidentRow.cleared_at < now - older_than
    )
    if limit is not None:
        doomed = doomed.order_by(IncidentRow.cleared_at).limit(limit)
    result = session.execute(
        delete(IncidentRow)
        .where(IncidentRow.id.in_(doomed))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _released(refs: Mapping[str, Any] | None) -> datetime | None:
    """When a scheduled order was due to go to the POS (``release_at``, the hub's hold):
    its wait starts then, so a pre-order for tomorrow is not stuck tonight."""
    text = (refs or {}).get("release_at")
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
