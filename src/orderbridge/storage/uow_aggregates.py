"""Orders and reservations in the unit of work: documents, versions, timelines.

Kept apart from ``uow.py`` (the transaction and the configuration reads) because this
is where the optimistic locking and the append-only timeline live.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.domain.reservations import Reservation, ReservationStatus
from orderbridge.ports import DuplicateKey, StoredOrder, StoredReservation, TransientError
from orderbridge.storage import codec
from orderbridge.storage import tables as t

FINAL_RESERVATION = tuple(
    s for s in ReservationStatus if s.value in ("declined", "completed", "canceled")
)


class ConcurrentUpdate(TransientError):
    """Someone else saved the aggregate since it was read; try again on fresh data."""


class AggregateStore:
    """Reads and writes of orders and reservations; mixed into ``SqlUnitOfWork``."""

    # Provided by the unit of work.
    clock: Callable[[], datetime]
    _loaded: dict[str, tuple[int, int]]

    @property
    def session(self) -> Session:
        raise NotImplementedError

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
