"""Location options, POS facts, snoozes and stock marks in the unit of work.

Mixed into ``SqlUnitOfWork`` (see ``orderbridge.ports.UnitOfWork`` for each method);
kept apart so that the order hot path in ``uow_orders`` stays as it is. Options and
facts are JSON columns of ``locations`` (read with the location itself, no extra query
per order); snoozes and stock marks have tables of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from orderbridge.domain.availability import Snooze, SnoozeTarget, StockMark
from orderbridge.domain.location_options import OrderingOptions, PosFacts
from orderbridge.domain.orders import OrderStatus
from orderbridge.storage import tables as t
from orderbridge.storage.codec_options import facts_from_json, facts_to_json, options_to_json
from orderbridge.storage.tables_availability import SnoozeRow, StockMarkRow

# At the POS and not final: what auto busy mode counts as "open online orders".
OPEN_AT_POS = (
    OrderStatus.SUBMITTED.value,
    OrderStatus.ACCEPTED.value,
    OrderStatus.CANCEL_REQUESTED.value,
)


class LocationOpsStore:
    """The #10 parts of the unit of work (options, facts, availability)."""

    clock: Callable[[], datetime]

    @property
    def session(self) -> Session:
        raise NotImplementedError

    def save_ordering_options(self, location_id: str, options: OrderingOptions) -> None:
        self.session.execute(
            update(t.Location)
            .where(t.Location.id == location_id)
            .values(options=options_to_json(options), updated_at=self.clock())
        )

    def save_pos_facts(self, location_id: str, facts: PosFacts) -> None:
        self.session.execute(
            update(t.Location)
            .where(t.Location.id == location_id)
            .values(pos_facts=facts_to_json(facts))
        )

    def locations_with_storage(self, connection_id: str, storage_id: str) -> Sequence[str]:
        found = self.session.execute(
            select(t.Location.id, t.Location.pos_facts)
            .join(t.LocationLink, t.LocationLink.location_id == t.Location.id)
            .where(t.LocationLink.connection_id == connection_id)
        ).all()
        return [
            location_id
            for location_id, facts in found
            if storage_id in facts_from_json(facts).storages
        ]

    def snoozes(self, location_id: str) -> Sequence[Snooze]:
        found = self.session.scalars(
            select(SnoozeRow)
            .where(SnoozeRow.location_id == location_id)
            .order_by(SnoozeRow.until, SnoozeRow.id)
        ).all()
        return [
            Snooze(
                id=row.id,
                location_id=row.location_id,
                target=SnoozeTarget(row.target),
                target_id=row.target_id,
                until=row.until,
                reason=row.reason,
            )
            for row in found
        ]

    def add_snooze(self, snooze: Snooze, *, created_at: datetime) -> None:
        self.session.add(
            SnoozeRow(
                id=snooze.id,
                location_id=snooze.location_id,
                target=snooze.target.value,
                target_id=snooze.target_id,
                until=snooze.until,
                reason=snooze.reason,
                created_at=created_at,
            )
        )
        self.session.flush()

    def remove_snooze(self, location_id: str, snooze_id: str) -> bool:
        gone = self.session.execute(
            delete(SnoozeRow).where(SnoozeRow.location_id == location_id, SnoozeRow.id == snooze_id)
        )
        return bool(getattr(gone, "rowcount", 0))

    def purge_snoozes(self, location_id: str, *, ended_by: datetime) -> int:
        gone = self.session.execute(
            delete(SnoozeRow).where(
                SnoozeRow.location_id == location_id, SnoozeRow.until <= ended_by
            )
        )
        return int(getattr(gone, "rowcount", 0) or 0)

    def stock_marks(self, location_id: str) -> Sequence[StockMark]:
        found = self.session.scalars(
            select(StockMarkRow)
            .where(StockMarkRow.location_id == location_id)
            .order_by(StockMarkRow.item_id, StockMarkRow.variant_id)
        ).all()
        return [StockMark(row.item_id, row.variant_id or None) for row in found]

    def set_stock_mark(
        self, location_id: str, mark: StockMark, *, out_of_stock: bool, at: datetime
    ) -> bool:
        key = (location_id, mark.item_id, mark.variant_id or "")
        row = self.session.get(StockMarkRow, key)
        if out_of_stock and row is None:
            self.session.add(
                StockMarkRow(
                    location_id=location_id,
                    item_id=mark.item_id,
                    variant_id=mark.variant_id or "",
                    updated_at=at,
                )
            )
            self.session.flush()
            return True
        if not out_of_stock and row is not None:
            self.session.delete(row)
            self.session.flush()
            return True
        return False

    def open_order_count(self, location_id: str) -> int:
        count = self.session.scalar(
            select(func.count())
            .select_from(t.OrderRecord)
            .where(t.OrderRecord.location_id == location_id, t.OrderRecord.status.in_(OPEN_AT_POS))
        )
        return int(count or 0)
