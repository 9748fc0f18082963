"""Reservations in the unit of work, and what all aggregates share: versions, timelines.

Kept apart from ``uow.py`` (the transaction and the configuration reads) because this
is where the optimistic locking and the append-only timeline live; orders, the hot
path, are in ``uow_orders.py`` on top of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.reservations import Reservation, ReservationStatus
from orderbridge.ports import DuplicateKey, StoredReservation, TransientError
from orderbridge.sql.driver_cursor import SqliteCursor, driver_sql
from orderbridge.storage import codec
from orderbridge.storage import order_rows as rows
from orderbridge.storage import tables as t

FINAL_RESERVATION = tuple(
    s for s in ReservationStatus if s.value in ("declined", "completed", "canceled")
)


class ConcurrentUpdate(TransientError):
    """Someone else saved the aggregate since it was read; try again on fresh data."""


class AggregateStore:
    """Reads and writes of reservations, and the aggregates' shared plumbing."""

    # Provided by the unit of work.
    clock: Callable[[], datetime]
    _loaded: dict[str, tuple[int, int]]

    @property
    def session(self) -> Session:
        raise NotImplementedError

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for Core statements (no ORM on the way)."""
        return self.session.connection()

    @property
    def driver(self) -> Connection | SqliteCursor:
        """The transaction's connection for driver-level SQL, on SQLite its DB-API
        cursor (``sql/driver_cursor.py``: the hot path's inserts and reads)."""
        return driver_sql(self.connection)

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
        self,
        reservation: Reservation,
        *,
        tenant_id: str,
        request_hash: str,
        placed_by: str | None = None,
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
                placed_by=placed_by,
            )
        )
        try:
            self.session.flush()
        except IntegrityError as error:
            raise DuplicateKey(f"reservation {reservation.key} is being stored") from error
        self._add_timeline("reservation", reservation.id, reservation.timeline)
        self._loaded[reservation.id] = (1, len(reservation.timeline))

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
        self._save("reservation", reservation.id, reservation.timeline, values)

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
            placed_by=row.placed_by,
        )

    # Shared aggregate plumbing -----------------------------------------------------

    def _save(
        self,
        kind: str,
        aggregate_id: str,
        timeline: Sequence[TimelineEntry],
        values: dict[str, Any],
    ) -> None:
        if aggregate_id not in self._loaded:
            raise RuntimeError(f"{kind} {aggregate_id} was not loaded in this unit of work")
        version, stored_entries = self._loaded[aggregate_id]
        values = {**values, "version": version + 1, "updated_at": self.clock()}
        if kind == "order":  # Core: no ORM object of an order is ever in the session
            changed = self.connection.execute(
                rows.UPDATE_ORDER, {**values, "b_id": aggregate_id, "b_version": version}
            ).rowcount
        else:  # ORM, so that the session's reservation objects see the change
            table = t.ReservationRecord
            result = self.session.execute(
                update(table)
                .where(table.id == aggregate_id, table.version == version)
                .values(**values)
            )
            changed = result.rowcount  # type: ignore[attr-defined]
        if changed != 1:
            raise ConcurrentUpdate(f"{kind} {aggregate_id} changed under us; retrying")
        self._add_timeline(kind, aggregate_id, timeline[stored_entries:])
        self._loaded[aggregate_id] = (version + 1, len(timeline))

    def _add_timeline(self, kind: str, subject_id: str, entries: Sequence[TimelineEntry]) -> None:
        if entries:
            driver = self.driver
            dialect = driver.dialect
            driver.exec_driver_sql(
                rows.insert_timeline(dialect.name),
                rows.timeline_rows(dialect, kind, subject_id, entries),
            )

    def _timeline(self, kind: str, subject_id: str) -> list[TimelineEntry]:
        found = self.connection.execute(rows.TIMELINE_OF, {"kind": kind, "subject_id": subject_id})
        return rows.timeline_from_rows(found.all())
