"""The SQLAlchemy unit of work behind ``orderbridge.ports.UnitOfWork``.

One instance is one transaction. Aggregates are read into domain objects through
``storage.codec`` and written back with an optimistic version check: two processes
that change the same order at once cannot both win; the loser raises
``ConcurrentUpdate`` (a ``TransientError``), and its job is retried on fresh data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.locations import Location, Pause
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.domain.reservations import Reservation, ReservationStatus
from orderbridge.messaging import inbox, outbox
from orderbridge.ports import (
    ConnectionRecord,
    DuplicateKey,
    EndpointRecord,
    LocationBinding,
    LocationRecord,
    StoredOrder,
    StoredReservation,
    TransientError,
)
from orderbridge.security import CredentialCipher
from orderbridge.storage import codec
from orderbridge.storage import tables as t
from orderbridge.storage.types import utcnow

FINAL_ORDER = (OrderStatus.DECLINED, OrderStatus.COMPLETED, OrderStatus.CANCELED)
FINAL_RESERVATION = tuple(
    s for s in ReservationStatus if s.value in ("declined", "completed", "canceled")
)


class ConcurrentUpdate(TransientError):
    """Someone else saved the aggregate since it was read; try again on fresh data."""


class SqlUnitOfWork:
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

    # Orders ------------------------------------------------------------------------

    def get_order(self, order_id: str, *, tenant_id: str | None = None) -> StoredOrder | None:
        row = self.session.get(t.OrderRecord, order_id)
        if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
            return None
        return self._order(row)

    def find_order(self, tenant_id: str, channel: str, channel_order_id: str) -> StoredOrder | None:
        row = self.session.scalars(
            select(t.OrderRecord).where(
                t.OrderRecord.tenant_id == tenant_id,
                t.OrderRecord.channel == channel,
                t.OrderRecord.channel_order_id == channel_order_id,
            )
        ).one_or_none()
        return self._order(row) if row is not None else None

    def find_order_by_pos(self, connection_id: str, pos_order_id: str) -> StoredOrder | None:
        row = self.session.scalars(
            select(t.OrderRecord).where(
                t.OrderRecord.pos_connection_id == connection_id,
                t.OrderRecord.pos_order_id == pos_order_id,
            )
        ).first()
        return self._order(row) if row is not None else None

    def find_order_by_check(self, connection_id: str, pos_check_id: str) -> StoredOrder | None:
        row = self.session.scalars(
            select(t.OrderRecord).where(
                t.OrderRecord.pos_connection_id == connection_id,
                t.OrderRecord.pos_check_id == pos_check_id,
            )
        ).first()
        return self._order(row) if row is not None else None

    def find_order_by_idempotency_key(self, tenant_id: str, key: str) -> StoredOrder | None:
        row = self.session.scalars(
            select(t.OrderRecord).where(
                t.OrderRecord.tenant_id == tenant_id, t.OrderRecord.idempotency_key == key
            )
        ).one_or_none()
        return self._order(row) if row is not None else None

    def add_order(
        self,
        order: Order,
        *,
        tenant_id: str,
        request_hash: str,
        idempotency_key: str | None = None,
    ) -> None:
        now = self.clock()
        totals = order.totals
        self.session.add(
            t.OrderRecord(
                id=order.id,
                tenant_id=tenant_id,
                location_id=order.location_id,
                channel=order.key.channel,
                channel_order_id=order.key.channel_order_id,
                status=order.status.value,
                document=codec.order_to_json(order),
                request_hash=request_hash,
                idempotency_key=idempotency_key,
                total_amount=totals.total.amount,
                currency=totals.total.currency,
                external_refs=dict(order.external_refs),
                version=1,
                created_at=order.created_at,
                updated_at=now,
            )
        )
        self._add_timeline("order", order.id, order.timeline)
        self._loaded[order.id] = (1, len(order.timeline))
        try:
            self.session.flush()
        except IntegrityError as error:
            raise DuplicateKey(f"order {order.key} is being stored by someone else") from error

    def save_order(
        self,
        order: Order,
        *,
        pos_connection_id: str | None = None,
        pos_order_id: str | None = None,
        pos_check_id: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": order.status.value,
            "external_refs": dict(order.external_refs),
        }
        if pos_connection_id is not None:
            values["pos_connection_id"] = pos_connection_id
        if pos_order_id is not None:
            values["pos_order_id"] = pos_order_id
        if pos_check_id is not None:
            values["pos_check_id"] = pos_check_id
        self._save("order", t.OrderRecord, order.id, order.timeline, values)

    def orders_to_reconcile(self, *, updated_before: datetime, limit: int) -> Sequence[StoredOrder]:
        rows = self.session.scalars(
            select(t.OrderRecord)
            .where(
                t.OrderRecord.pos_order_id.is_not(None),
                t.OrderRecord.status.in_([OrderStatus.SUBMITTED.value, OrderStatus.ACCEPTED.value]),
                t.OrderRecord.updated_at < updated_before,
            )
            .order_by(t.OrderRecord.updated_at)
            .limit(limit)
        ).all()
        return [self._order(row) for row in rows]

    def _order(self, row: t.OrderRecord) -> StoredOrder:
        timeline = self._timeline("order", row.id)
        order = codec.order_from_json(
            row.document,
            id=row.id,
            status=OrderStatus(row.status),
            timeline=timeline,
            external_refs={k: str(v) for k, v in row.external_refs.items()},
        )
        self._loaded[row.id] = (row.version, len(timeline))
        return StoredOrder(
            order=order,
            tenant_id=row.tenant_id,
            request_hash=row.request_hash,
            idempotency_key=row.idempotency_key,
            pos_connection_id=row.pos_connection_id,
            pos_order_id=row.pos_order_id,
            pos_check_id=row.pos_check_id,
            updated_at=row.updated_at,
        )

    # Reservations ------------------------------------------------------------------

    def get_reservation(
        self, reservation_id: str, *, tenant_id: str | None = None
    ) -> StoredReservation | None:
        row = self.session.get(t.ReservationRecord, reservation_id)
        if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
            return None
        return self._reservation(row)

    def find_reservation(
        self, tenant_id: str, channel: str, channel_reservation_id: str
    ) -> StoredReservation | None:
        row = self.session.scalars(
            select(t.ReservationRecord).where(
                t.ReservationRecord.tenant_id == tenant_id,
                t.ReservationRecord.channel == channel,
                t.ReservationRecord.channel_reservation_id == channel_reservation_id,
            )
        ).one_or_none()
        return self._reservation(row) if row is not None else None

    def find_reservation_by_pos(
        self, connection_id: str, pos_reservation_id: str
    ) -> StoredReservation | None:
        row = self.session.scalars(
            select(t.ReservationRecord).where(
                t.ReservationRecord.pos_connection_id == connection_id,
                t.ReservationRecord.pos_reservation_id == pos_reservation_id,
            )
        ).first()
        return self._reservation(row) if row is not None else None

    def add_reservation(
        self, reservation: Reservation, *, tenant_id: str, request_hash: str
    ) -> None:
        self.session.add(
            t.ReservationRecord(
                id=reservation.id,
                tenant_id=tenant_id,
                location_id=reservation.location_id,
                channel=reservation.key.channel,
                channel_reservation_id=reservation.key.channel_reservation_id,
                status=reservation.status.value,
                document=codec.reservation_to_json(reservation),
                request_hash=request_hash,
                external_refs=dict(reservation.external_refs),
                version=1,
                created_at=reservation.created_at,
                updated_at=self.clock(),
            )
        )
        self._add_timeline("reservation", reservation.id, reservation.timeline)
        self._loaded[reservation.id] = (1, len(reservation.timeline))
        try:
            self.session.flush()
        except IntegrityError as error:
            raise DuplicateKey(f"reservation {reservation.key} is being stored") from error

    def save_reservation(
        self,
        reservation: Reservation,
        *,
        pos_connection_id: str | None = None,
        pos_reservation_id: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": reservation.status.value,
            "external_refs": dict(reservation.external_refs),
        }
        if pos_connection_id is not None:
            values["pos_connection_id"] = pos_connection_id
        if pos_reservation_id is not None:
            values["pos_reservation_id"] = pos_reservation_id
        self._save("reservation", t.ReservationRecord, reservation.id, reservation.timeline, values)

    def reservations_to_reconcile(
        self, *, updated_before: datetime, limit: int
    ) -> Sequence[StoredReservation]:
        rows = self.session.scalars(
            select(t.ReservationRecord)
            .where(
                t.ReservationRecord.pos_reservation_id.is_not(None),
                t.ReservationRecord.status.not_in([s.value for s in FINAL_RESERVATION]),
                t.ReservationRecord.updated_at < updated_before,
            )
            .order_by(t.ReservationRecord.updated_at)
            .limit(limit)
        ).all()
        return [self._reservation(row) for row in rows]

    def _reservation(self, row: t.ReservationRecord) -> StoredReservation:
        timeline = self._timeline("reservation", row.id)
        reservation = codec.reservation_from_json(
            row.document,
            id=row.id,
            status=ReservationStatus(row.status),
            timeline=timeline,
            external_refs={k: str(v) for k, v in row.external_refs.items()},
        )
        self._loaded[row.id] = (row.version, len(timeline))
        return StoredReservation(
            reservation=reservation,
            tenant_id=row.tenant_id,
            request_hash=row.request_hash,
            pos_connection_id=row.pos_connection_id,
            pos_reservation_id=row.pos_reservation_id,
            updated_at=row.updated_at,
        )

    # Shared aggregate plumbing -----------------------------------------------------

    def _save(
        self,
        kind: str,
        table: type[t.OrderRecord] | type[t.ReservationRecord],
        aggregate_id: str,
        timeline: Sequence[TimelineEntry],
        values: dict[str, Any],
    ) -> None:
        if aggregate_id not in self._loaded:
            raise RuntimeError(f"{kind} {aggregate_id} was not loaded in this unit of work")
        version, stored_entries = self._loaded[aggregate_id]
        result = self.session.execute(
            update(table)
            .where(table.id == aggregate_id, table.version == version)
            .values(**values, version=version + 1, updated_at=self.clock())
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"{kind} {aggregate_id} changed under us; retrying")
        self._add_timeline(kind, aggregate_id, timeline[stored_entries:])
        self._loaded[aggregate_id] = (version + 1, len(timeline))
        self.session.flush()

    def _add_timeline(self, kind: str, subject_id: str, entries: Sequence[TimelineEntry]) -> None:
        self.session.add_all(
            t.TimelineRecord(
                subject_kind=kind,
                subject_id=subject_id,
                at=entry.at,
                status=str(entry.status),
                event=entry.event,
                detail=entry.detail,
            )
            for entry in entries
        )

    def _timeline(self, kind: str, subject_id: str) -> list[TimelineEntry]:
        rows = self.session.scalars(
            select(t.TimelineRecord)
            .where(t.TimelineRecord.subject_kind == kind, t.TimelineRecord.subject_id == subject_id)
            .order_by(t.TimelineRecord.id)
        ).all()
        return [
            TimelineEntry(at=row.at, status=row.status, event=row.event, detail=row.detail)
            for row in rows
        ]

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

    def get_menu(self, location_id: str) -> Menu | None:
        row = self.session.get(t.MenuSnapshot, location_id)
        return codec.menu_from_json(row.document) if row is not None else None

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
