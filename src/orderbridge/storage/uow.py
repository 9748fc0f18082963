"""The SQLAlchemy unit of work behind ``orderbridge.ports.UnitOfWork``.

One instance is one transaction. Aggregates are read into domain objects through
``storage.codec`` and written back with an optimistic version check: two processes
that change the same order at once cannot both win; the loser raises
``ConcurrentUpdate`` (a ``TransientError``), and its job is retried on fresh data.

A group commit's parts (several placements in one transaction, each undone alone)
are ``uow_parts``'; orders' reads and writes ``uow_orders``'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from orderbridge.domain.locations import Location
from orderbridge.domain.menu import Menu
from orderbridge.ports import (
    ConnectionRecord,
    EndpointRecord,
    Job,
    LocationBinding,
    LocationRecord,
)
from orderbridge.security import CredentialCipher
from orderbridge.storage import codec
from orderbridge.storage import config_rows as rows
from orderbridge.storage import tables as t
from orderbridge.storage.codec_options import options_from_json
from orderbridge.storage.incidents import IncidentRows
from orderbridge.storage.mapping_store import SqlMappingStore
from orderbridge.storage.types import utcnow
from orderbridge.storage.uow_aggregates import ConcurrentUpdate
from orderbridge.storage.uow_ops import LocationOpsStore
from orderbridge.storage.uow_orders import OrderStore
from orderbridge.storage.uow_parts import GroupBroken, GroupParts, PartWritten
from orderbridge.storage.worker_rows import WorkerOrders

__all__ = [
    "ConcurrentUpdate",
    "GroupBroken",
    "JobQueue",
    "JoinedUnitOfWork",
    "PartWritten",
    "SqlUnitOfWork",
]


class JobQueue(Protocol):
    """The outbox and inbox as the unit of work writes them, in its own session.

    ``orderbridge.messaging.queue.SqlJobQueue`` is the one implementation; the
    composition root passes it in, so storage never imports messaging (nor messaging
    storage: what both need lives in ``orderbridge.sql``).
    """

    def enqueue(
        self, session: Session, job: Job, *, run_after: datetime | None, now: datetime
    ) -> int: ...

    def enqueue_many(
        self,
        session: Session,
        jobs: Sequence[Job],
        *,
        now: datetime,
        connection: Connection | None = None,
    ) -> None:
        """Add ``jobs``, due at once; ``connection`` is the session's own, when the
        caller holds it already (asking the session for it costs more than the insert)."""
        ...

    def is_queued(self, session: Session, kind: str, key: str) -> bool: ...

    def record_inbound(
        self,
        session: Session,
        source: str,
        external_id: str,
        payload: dict[str, object],
        headers: dict[str, object],
        *,
        now: datetime,
    ) -> bool: ...

    def job_statuses(self, session: Session, job_ids: Sequence[int]) -> Mapping[int, str]:
        """The status of each of ``job_ids`` still stored (the incident watch asks)."""
        ...


# Decoded menus by (location id, menu version); menus are immutable values.
_MENUS: dict[tuple[str, str], Menu] = {}
_MENUS_KEPT = 512


class SqlUnitOfWork(GroupParts, LocationOpsStore, OrderStore, IncidentRows, WorkerOrders):
    """A transaction over the hub's tables; see ``orderbridge.ports.UnitOfWork``."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        cipher: CredentialCipher,
        clock: Callable[[], datetime] = utcnow,
        *,
        queue: JobQueue,
    ):
        self._sessions = sessions
        self.queue = queue
        self.cipher = cipher
        self.clock = clock
        self._session: Session | None = None
        self._connection: Connection | None = None
        # What was loaded: aggregate id → (version, timeline entries already stored).
        self._loaded: dict[str, tuple[int, int]] = {}
        self._in_part = False

    # Transaction -------------------------------------------------------------------

    def __enter__(self) -> SqlUnitOfWork:
        self._session = self._sessions()
        self._loaded.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._session is not None
        self._connection = None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work in a with block")
        return self._session

    @property
    def connection(self) -> Connection:
        # The session's connection, asked for once per transaction (the session's own
        # commit or rollback ends that transaction, and a new one gets a new connection).
        connection = self._connection
        if connection is None or not connection.in_transaction():
            connection = self._connection = self.session.connection()
        return connection

    def commit(self) -> None:
        if self._in_part:  # the group's transaction commits once, at its end
            self.session.flush()
            return
        self._connection = None
        self.session.commit()
        self._loaded.clear()

    @property
    def mappings(self) -> SqlMappingStore:
        """Channels' own menus and their mappings (``storage/mapping_store.py``)."""
        return SqlMappingStore(self.session)

    # Locations, menus, connections -------------------------------------------------

    def get_location(
        self, location_id: str, *, tenant_id: str | None = None
    ) -> LocationRecord | None:
        row = self.connection.execute(rows.LOCATION_BY_ID, {"location_id": location_id}).first()
        if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
            return None
        return rows.location_record(row)

    def location_context(
        self, location_id: str
    ) -> tuple[LocationRecord | None, str | None, str | None]:
        """The location (any tenant's), its menu's version and its POS connection's id,
        read together (``web/batch_reads.py``); ``(None, None, None)`` for no location."""
        row = self.connection.execute(rows.LOCATION_CONTEXT, {"location_id": location_id}).first()
        if row is None:
            return None, None, None
        return rows.location_record(row), row.menu_version, row.pos_connection_id

    def list_locations(self, tenant_id: str) -> Sequence[LocationRecord]:
        found = self.connection.execute(rows.LOCATIONS_OF_TENANT, {"tenant_id": tenant_id})
        return [rows.location_record(row) for row in found]

    def save_location(self, location: Location) -> None:
        pause, busy = location.pause_state, location.busy_state
        self.session.execute(
            update(t.Location)
            .where(t.Location.id == location.id)
            .values(
                name=location.name,
                schedule=codec.schedule_to_json(location.schedule),
                paused=pause is not None,
                paused_until=pause.until if pause else None,
                pause_reason=pause.reason if pause else "",
                busy_minutes=busy.extra_minutes if busy else None,
                busy_until=busy.until if busy else None,
                busy_source=busy.source if busy else "",
                updated_at=self.clock(),
            )
        )

    def pos_binding(self, location_id: str) -> tuple[ConnectionRecord, LocationBinding] | None:
        row = self.connection.execute(rows.POS_BINDING, {"location_id": location_id}).first()
        return None if row is None else rows.pos_binding(row, self.cipher)

    def pos_connection_id(self, location_id: str) -> str | None:
        found = self.connection.execute(rows.POS_CONNECTION_ID, {"location_id": location_id})
        return found.scalar()

    def locations_of_connection(self, connection_id: str) -> Sequence[LocationBinding]:
        found = self.session.execute(
            select(t.LocationLink, t.Location)
            .join(t.Location, t.Location.id == t.LocationLink.location_id)
            .where(t.LocationLink.connection_id == connection_id)
        ).all()
        return [
            LocationBinding(
                location_id=location.id,
                external_id=link.external_id,
                currency=location.currency,
                timezone=location.timezone,
                options=options_from_json(location.options),
            )
            for link, location in found
        ]

    def channel_connections(self, location_id: str) -> Sequence[ConnectionRecord]:
        found = self.session.scalars(
            select(t.Connection)
            .join(t.LocationLink, t.LocationLink.connection_id == t.Connection.id)
            .where(t.LocationLink.location_id == location_id, t.Connection.role == "channel")
            .order_by(t.Connection.id)
        ).all()
        return [rows.connection_record(row, self.cipher) for row in found]

    def get_menu(self, location_id: str, *, version: str | None = None) -> Menu | None:
        # Decoding a menu document costs more than the rest of placing an order, and
        # every order reads its location's menu: decoded menus are kept per content
        # version (a fingerprint of the whole menu), so a new import is seen at once.
        # ``version``: the menu's version as this transaction has just read it.
        if version is None:
            version = self.menu_version(location_id)
        if version is None:
            return None
        cached = _MENUS.get((location_id, version))
        if cached is not None:
            return cached
        row = self.connection.execute(rows.MENU_DOCUMENT, {"location_id": location_id}).first()
        if row is None:
            return None
        menu = codec.menu_from_json(row.document)
        if row.version == version:
            if len(_MENUS) >= _MENUS_KEPT:
                _MENUS.clear()
            _MENUS[(location_id, version)] = menu
        return menu

    def menu_version(self, location_id: str) -> str | None:
        found = self.connection.execute(rows.MENU_VERSION, {"location_id": location_id})
        return found.scalar()

    def save_menu(
        self, menu: Menu, *, source_connection_id: str | None, pos_menu: Menu | None = None
    ) -> None:
        row = self.session.get(t.MenuSnapshot, menu.location_id)
        document = codec.menu_to_json(menu)
        pos_document = None if pos_menu is None else codec.menu_to_json(pos_menu)
        if row is None:
            self.session.add(
                t.MenuSnapshot(
                    location_id=menu.location_id,
                    version=menu.version,
                    document=document,
                    source_connection_id=source_connection_id,
                    updated_at=self.clock(),
                    pos_document=pos_document,
                )
            )
        else:
            row.version = menu.version
            row.document = document
            # A refresh or an availability change keeps the menu's source.
            row.source_connection_id = source_connection_id or row.source_connection_id
            row.updated_at = self.clock()
            if pos_menu is not None:
                row.pos_document = pos_document
        self.session.flush()

    def get_pos_menu(self, location_id: str) -> Menu | None:
        row = self.session.get(t.MenuSnapshot, location_id)
        if row is None:
            return None
        if row.pos_document is None:
            return self.get_menu(location_id)
        return codec.menu_from_json(row.pos_document)

    def get_connection(self, connection_id: str) -> ConnectionRecord | None:
        row = self.session.get(t.Connection, connection_id)
        return rows.connection_record(row, self.cipher) if row is not None else None

    def find_connection(self, kind: str, external_account: str) -> ConnectionRecord | None:
        row = self.session.scalars(
            select(t.Connection).where(
                t.Connection.kind == kind, t.Connection.external_account == external_account
            )
        ).first()
        return rows.connection_record(row, self.cipher) if row is not None else None

    def set_connection_status(self, connection_id: str, status: str, reason: str = "") -> None:
        self.session.execute(
            update(t.Connection)
            .where(t.Connection.id == connection_id)
            .values(status=status, status_reason=reason[:500], updated_at=self.clock())
        )

    # Messaging (through the queue the composition root hands in) -------------------

    def enqueue(
        self,
        kind: str,
        payload: dict[str, object],
        *,
        key: str | None = None,
        connection_id: str | None = None,
        run_after: datetime | None = None,
    ) -> int:
        return self.queue.enqueue(
            self.session,
            Job(kind, payload, key, connection_id),
            run_after=run_after,
            now=self.clock(),
        )

    def enqueue_many(self, jobs: Sequence[Job]) -> None:
        if jobs:
            self.queue.enqueue_many(
                self.session, jobs, now=self.clock(), connection=self.connection
            )

    def is_queued(self, kind: str, key: str) -> bool:
        return self.queue.is_queued(self.session, kind, key)

    def record_inbound(
        self, source: str, external_id: str, payload: dict[str, object], headers: dict[str, object]
    ) -> bool:
        return self.queue.record_inbound(
            self.session, source, external_id, payload, headers, now=self.clock()
        )

    def endpoints_for(self, tenant_id: str, event: str) -> Sequence[EndpointRecord]:
        found = self.session.scalars(
            select(t.WebhookEndpoint).where(
                t.WebhookEndpoint.tenant_id == tenant_id, t.WebhookEndpoint.active.is_(True)
            )
        ).all()
        now = self.clock()
        return [
            rows.endpoint_record(row, self.cipher, now)
            for row in found
            if _wants(rows.endpoint_events(row.events), event)
        ]

    def endpoint_ids_for(self, tenant_id: str, event: str) -> Sequence[str]:
        found = self.connection.execute(rows.ENDPOINT_EVENTS, {"tenant_id": tenant_id})
        return [id for id, events in found if _wants(rows.endpoint_events(events), event)]

    def get_endpoint(self, endpoint_id: str) -> EndpointRecord | None:
        row = self.session.get(t.WebhookEndpoint, endpoint_id)
        if row is None or not row.active:
            return None
        return rows.endpoint_record(row, self.cipher, self.clock())


class JoinedUnitOfWork(SqlUnitOfWork):
    """A unit of work inside a transaction that someone else owns and commits.

    The worker buries a dead job and, in the same transaction, fails the order the job
    was submitting (``messaging.worker_db``); services written against ``UnitOfWork``
    run unchanged on it. ``commit()`` only flushes: the owner of the session commits
    or rolls back everything together.
    """

    def __init__(
        self,
        session: Session,
        cipher: CredentialCipher,
        clock: Callable[[], datetime] = utcnow,
        *,
        queue: JobQueue,
    ):
        super().__init__(lambda: session, cipher, clock, queue=queue)
        self._joined = session

    def __enter__(self) -> JoinedUnitOfWork:
        self._session = self._joined
        self._loaded.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection = None
        self._session = None

    def commit(self) -> None:
        self._connection = None
        self.session.flush()
        self._loaded.clear()

    def endpoint_ids_for(self, tenant_id: str, event: str) -> Sequence[str]:
        # The worker's settle batch joins one unit of work per order to one transaction:
        # the tenant's endpoints are read once for that transaction, not once per order.
        transaction = self._joined.get_transaction()
        cached = self._joined.info.get(_ENDPOINTS)
        if cached is None or cached[0] is not transaction:
            cached = self._joined.info[_ENDPOINTS] = (transaction, {})
        kept: dict[str, list[tuple[str, dict[str, Any]]]] = cached[1]
        found = kept.get(tenant_id)
        if found is None:
            result = self.connection.execute(rows.ENDPOINT_EVENTS, {"tenant_id": tenant_id})
            found = kept[tenant_id] = [(id, events) for id, events in result]
        return [id for id, events in found if _wants(rows.endpoint_events(events), event)]


_ENDPOINTS = "orderbridge.joined_endpoints"


def _wants(events: tuple[str, ...], event: str) -> bool:
    return event in events or "*" in events
