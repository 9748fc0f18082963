"""The SQLAlchemy unit of work behind ``orderbridge.ports.UnitOfWork``.

One instance is one transaction. Aggregates are read into domain objects through
``storage.codec`` and written back with an optimistic version check: two processes
that change the same order at once cannot both win; the loser raises
``ConcurrentUpdate`` (a ``TransientError``), and its job is retried on fresh data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orderbridge.domain.locations import Location, Pause
from orderbridge.domain.menu import Menu
from orderbridge.messaging import inbox, outbox
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.ports import (
    ConnectionRecord,
    EndpointRecord,
    LocationBinding,
    LocationRecord,
)
from orderbridge.security import CredentialCipher
from orderbridge.storage import codec
from orderbridge.storage import tables as t
from orderbridge.storage.types import utcnow
from orderbridge.storage.uow_aggregates import AggregateStore, ConcurrentUpdate

__all__ = ["ConcurrentUpdate", "SqlUnitOfWork"]

# Decoded menus by (location id, menu version); menus are immutable values.
_MENUS: dict[tuple[str, str], Menu] = {}
_MENUS_KEPT = 512


class SqlUnitOfWork(AggregateStore):
    """A transaction over the hub's tables; see ``orderbridge.ports.UnitOfWork``."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        cipher: CredentialCipher,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._sessions = sessions
        self.cipher = cipher
        self.clock = clock
        self._session: Session | None = None
        # What was loaded: aggregate id → (version, timeline entries already stored).
        self._loaded: dict[str, tuple[int, int]] = {}

    # Transaction -------------------------------------------------------------------

    def __enter__(self) -> SqlUnitOfWork:
        self._session = self._sessions()
        self._loaded.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._session is not None
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

    def commit(self) -> None:
        self.session.commit()
        self._loaded.clear()

    # Locations, menus, connections -------------------------------------------------

    def get_location(
        self, location_id: str, *, tenant_id: str | None = None
    ) -> LocationRecord | None:
        row = self.session.get(t.Location, location_id)
        if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
            return None
        return self._location(row)

    def list_locations(self, tenant_id: str) -> Sequence[LocationRecord]:
        rows = self.session.scalars(
            select(t.Location).where(t.Location.tenant_id == tenant_id).order_by(t.Location.name)
        ).all()
        return [self._location(row) for row in rows]

    def save_location(self, location: Location) -> None:
        pause = location.pause_state
        self.session.execute(
            update(t.Location)
            .where(t.Location.id == location.id)
            .values(
                name=location.name,
                schedule=codec.schedule_to_json(location.schedule),
                paused=pause is not None,
                paused_until=pause.until if pause else None,
                pause_reason=pause.reason if pause else "",
                updated_at=self.clock(),
            )
        )

    def _location(self, row: t.Location) -> LocationRecord:
        pause = Pause(reason=row.pause_reason, until=row.paused_until) if row.paused else None
        location = Location(
            id=row.id,
            name=row.name,
            timezone=row.timezone,
            currency=row.currency,
            schedule=codec.schedule_from_json(row.schedule),
            pause=pause,
        )
        return LocationRecord(
            location=location, tenant_id=row.tenant_id, price_policy=row.price_policy
        )

    def pos_binding(self, location_id: str) -> tuple[ConnectionRecord, LocationBinding] | None:
        found = self.session.execute(
            select(t.Connection, t.LocationLink, t.Location)
            .join(t.LocationLink, t.LocationLink.connection_id == t.Connection.id)
            .join(t.Location, t.Location.id == t.LocationLink.location_id)
            .where(t.LocationLink.location_id == location_id, t.Connection.role == "pos")
        ).first()
        if found is None:
            return None
        connection, link, location = found
        binding = LocationBinding(
            location_id=location.id,
            external_id=link.external_id,
            currency=location.currency,
            timezone=location.timezone,
        )
        return self._connection(connection), binding

    def locations_of_connection(self, connection_id: str) -> Sequence[LocationBinding]:
        rows = self.session.execute(
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
            )
            for link, location in rows
        ]

    def channel_connections(self, location_id: str) -> Sequence[ConnectionRecord]:
        rows = self.session.scalars(
            select(t.Connection)
            .join(t.LocationLink, t.LocationLink.connection_id == t.Connection.id)
            .where(t.LocationLink.location_id == location_id, t.Connection.role == "channel")
            .order_by(t.Connection.id)
        ).all()
        return [self._connection(row) for row in rows]

    def get_menu(self, location_id: str) -> Menu | None:
        # Decoding a menu document costs more than the rest of placing an order, and
        # every order reads its location's menu: decoded menus are kept per content
        # version (a fingerprint of the whole menu), so a new import is seen at once.
        version = self.menu_version(location_id)
        if version is None:
            return None
        cached = _MENUS.get((location_id, version))
        if cached is not None:
            return cached
        row = self.session.get(t.MenuSnapshot, location_id)
        if row is None:
            return None
        menu = codec.menu_from_json(row.document)
        if row.version == version:
            if len(_MENUS) >= _MENUS_KEPT:
                _MENUS.clear()
            _MENUS[(location_id, version)] = menu
        return menu

    def menu_version(self, location_id: str) -> str | None:
        return self.session.scalar(
            select(t.MenuSnapshot.version).where(t.MenuSnapshot.location_id == location_id)
        )

    def save_menu(self, menu: Menu, *, source_connection_id: str | None) -> None:
        row = self.session.get(t.MenuSnapshot, menu.location_id)
        document = codec.menu_to_json(menu)
        if row is None:
            self.session.add(
                t.MenuSnapshot(
                    location_id=menu.location_id,
                    version=menu.version,
                    document=document,
                    source_connection_id=source_connection_id,
                    updated_at=self.clock(),
                )
            )
        else:
            row.version = menu.version
            row.document = document
            row.source_connection_id = source_connection_id
            row.updated_at = self.clock()
        self.session.flush()

    def get_connection(self, connection_id: str) -> ConnectionRecord | None:
        row = self.session.get(t.Connection, connection_id)
        return self._connection(row) if row is not None else None

    def find_connection(self, kind: str, external_account: str) -> ConnectionRecord | None:
        row = self.session.scalars(
            select(t.Connection).where(
                t.Connection.kind == kind, t.Connection.external_account == external_account
            )
        ).first()
        return self._connection(row) if row is not None else None

    def set_connection_status(self, connection_id: str, status: str, reason: str = "") -> None:
        self.session.execute(
            update(t.Connection)
            .where(t.Connection.id == connection_id)
            .values(status=status, status_reason=reason[:500], updated_at=self.clock())
        )

    def _connection(self, row: t.Connection) -> ConnectionRecord:
        credentials = self.cipher.decrypt(row.credentials) if row.credentials else {}
        return ConnectionRecord(
            id=row.id,
            tenant_id=row.tenant_id,
            kind=row.kind,
            role=row.role,
            name=row.name,
            settings=dict(row.settings),
            credentials=credentials,
            external_account=row.external_account,
            status=row.status,
            status_reason=row.status_reason,
        )

    # Messaging ---------------------------------------------------------------------

    def enqueue(
        self,
        kind: str,
        payload: dict[str, object],
        *,
        key: str | None = None,
        connection_id: str | None = None,
        run_after: datetime | None = None,
    ) -> int:
        return outbox.enqueue(
            self.session,
            kind,
            payload,
            key=key,
            connection_id=connection_id,
            run_after=run_after,
            now=self.clock(),
        )

    def is_queued(self, kind: str, key: str) -> bool:
        found = self.session.scalar(
            select(OutboxJob.id)
            .where(
                OutboxJob.kind == kind,
                OutboxJob.key == key,
                OutboxJob.status.in_([JobStatus.PENDING.value, JobStatus.RUNNING.value]),
            )
            .limit(1)
        )
        return found is not None

    def record_inbound(
        self, source: str, external_id: str, payload: dict[str, object], headers: dict[str, object]
    ) -> bool:
        return inbox.record_inbound(
            self.session, source, external_id, payload, headers, now=self.clock()
        )

    def endpoints_for(self, tenant_id: str, event: str) -> Sequence[EndpointRecord]:
        rows = self.session.scalars(
            select(t.WebhookEndpoint).where(
                t.WebhookEndpoint.tenant_id == tenant_id, t.WebhookEndpoint.active.is_(True)
            )
        ).all()
        found = []
        for row in rows:
            events = tuple(str(e) for e in row.events.get("events", []))
            if event in events or "*" in events:
                found.append(self._endpoint(row, events))
        return found

    def get_endpoint(self, endpoint_id: str) -> EndpointRecord | None:
        row = self.session.get(t.WebhookEndpoint, endpoint_id)
        if row is None or not row.active:
            return None
        return self._endpoint(row, tuple(str(e) for e in row.events.get("events", [])))

    def _endpoint(self, row: t.WebhookEndpoint, events: tuple[str, ...]) -> EndpointRecord:
        now = self.clock()
        secrets: list[str] = []
        for entry in self.cipher.decrypt(row.secrets).get("secrets", []):
            expires = entry.get("expires_at")
            if expires is None or datetime.fromisoformat(str(expires)) > now:
                secrets.append(str(entry["secret"]))
        return EndpointRecord(
            id=row.id, tenant_id=row.tenant_id, url=row.url, events=events, secrets=tuple(secrets)
        )
