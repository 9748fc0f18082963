"""Orders in the unit of work: read and written with prebuilt Core statements.

Placing and submitting orders is the hub's hot path, so nothing here goes through
the ORM (see ``storage.order_rows``); the optimistic version check and the
append-only timeline are the shared ones of ``uow_aggregates``. An order is never an
ORM object in the session, so nothing can hold a stale copy of one. What placing runs
per order — the repeat look-up, the order's and its timeline's inserts — is
driver-level SQL on ``self.driver``: on SQLite the transaction's own DB-API cursor
(``sql/driver_cursor.py``), where SQLAlchemy's per-statement set-up cost more than
SQLite's work.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.exc import IntegrityError

from orderbridge.domain.orders import Order
from orderbridge.ports import DuplicateKey, OrderFingerprint, StoredOrder
from orderbridge.sql.driver import driver_param, stored_time
from orderbridge.storage import codec
from orderbridge.storage import order_rows as rows
from orderbridge.storage.order_rows import AnyRow
from orderbridge.storage.uow_aggregates import AggregateStore


class OrderStore(AggregateStore):
    """Reads and writes of orders; mixed into ``SqlUnitOfWork``."""

    # Orders ------------------------------------------------------------------------

    def get_order(self, order_id: str, *, tenant_id: str | None = None) -> StoredOrder | None:
        row = self.connection.execute(rows.ORDER_BY_ID, {"order_id": order_id}).first()
        if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
            return None
        return self._stored(row)

    def find_order(self, tenant_id: str, channel: str, channel_order_id: str) -> StoredOrder | None:
        params = {"tenant_id": tenant_id, "channel": channel, "channel_order_id": channel_order_id}
        return self._read_order(rows.ORDER_BY_CHANNEL_ID, params)

    def find_order_by_pos(self, connection_id: str, pos_order_id: str) -> StoredOrder | None:
        params = {"connection_id": connection_id, "pos_id": pos_order_id}
        return self._read_order(rows.ORDER_BY_POS_ID, params)

    def find_order_by_check(self, connection_id: str, pos_check_id: str) -> StoredOrder | None:
        params = {"connection_id": connection_id, "pos_id": pos_check_id}
        return self._read_order(rows.ORDER_BY_CHECK_ID, params)

    def find_order_by_idempotency_key(self, tenant_id: str, key: str) -> StoredOrder | None:
        params = {"tenant_id": tenant_id, "key": key}
        return self._read_order(rows.ORDER_BY_IDEMPOTENCY_KEY, params)

    def order_fingerprint(
        self, tenant_id: str, channel: str, channel_order_id: str
    ) -> OrderFingerprint | None:
        params = {"tenant_id": tenant_id, "channel": channel, "channel_order_id": channel_order_id}
        row = self.connection.execute(rows.FINGERPRINT_BY_CHANNEL_ID, params).first()
        return OrderFingerprint(row[0], row[1], row[2]) if row else None

    def order_fingerprint_by_idempotency_key(
        self, tenant_id: str, key: str
    ) -> OrderFingerprint | None:
        params = {"tenant_id": tenant_id, "key": key}
        row = self.connection.execute(rows.FINGERPRINT_BY_IDEMPOTENCY_KEY, params).first()
        return OrderFingerprint(row[0], row[1], row[2]) if row else None

    def order_fingerprints(
        self, tenant_id: str, channel: str, channel_order_id: str, idempotency_key: str | None
    ) -> tuple[OrderFingerprint | None, OrderFingerprint | None]:
        by_key: OrderFingerprint | None = None
        by_channel: OrderFingerprint | None = None
        driver = self.driver
        rows_found = driver.exec_driver_sql(
            _fingerprints(driver.dialect.name),
            (tenant_id, idempotency_key, channel, channel_order_id),
        )
        for row in rows_found:
            found = OrderFingerprint(row[0], row[1], row[2])
            if idempotency_key is not None and row[3] == idempotency_key:
                by_key = found
            if (row[4], row[5]) == (channel, channel_order_id):
                by_channel = found
        return by_key, by_channel

    def add_order(
        self,
        order: Order,
        *,
        tenant_id: str,
        request_hash: str,
        idempotency_key: str | None = None,
        placed_by: str | None = None,
    ) -> StoredOrder:
        now = self.clock()
        totals = order.totals
        document = codec.order_to_json(order)
        driver = self.driver
        dialect = driver.dialect
        try:
            driver.exec_driver_sql(
                rows.insert_order(dialect.name),
                (
                    order.id,
                    tenant_id,
                    order.location_id,
                    order.key.channel,
                    order.key.channel_order_id,
                    order.status.value,
                    json.dumps(document),
                    request_hash,
                    idempotency_key,
                    totals.total.amount,
                    totals.total.currency,
                    json.dumps(dict(order.external_refs)),
                    stored_time(dialect, order.created_at),
                    stored_time(dialect, now),
                    placed_by,
                ),
            )
        except IntegrityError as error:
            raise DuplicateKey(f"order {order.key} is being stored by someone else") from error
        self._add_timeline("order", order.id, order.timeline)
        self._loaded[order.id] = (1, len(order.timeline))
        rows.remember(order.id, document, rows.body_of(order))
        return StoredOrder(
            order=order,
            tenant_id=tenant_id,
            request_hash=request_hash,
            idempotency_key=idempotency_key,
            pos_connection_id=None,
            pos_order_id=None,
            pos_check_id=None,
            updated_at=now.astimezone(UTC),
            placed_by=placed_by,
        )

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
        self._save("order", order.id, order.timeline, values)

    def orders_to_reconcile(self, *, updated_before: datetime, limit: int) -> Sequence[StoredOrder]:
        params = {"updated_before": updated_before, "limit": limit}
        found = self.connection.execute(rows.ORDERS_TO_RECONCILE, params).all()
        return [self._stored(row) for row in found]

    def _read_order(self, statement: Executable, params: dict[str, Any]) -> StoredOrder | None:
        row = self.connection.execute(statement, params).first()
        return None if row is None else self._stored(row)

    def _stored(self, row: AnyRow) -> StoredOrder:
        timeline = self._timeline("order", row.id)
        order = rows.order_from_row(row, timeline)
        self._loaded[row.id] = (row.version, len(timeline))
        return rows.stored_order(row, order)


@functools.cache
def _fingerprints(dialect: str) -> str:
    """Both repeat look-ups of placing at once, as driver-level SQL (the columns are
    plain text, nothing to convert): the order with the idempotency key and the order
    with the channel order id, at most two rows, each of the two unique indexes
    answering its half (SQLite: a MULTI-INDEX OR). Positional parameters: tenant id,
    idempotency key, channel, channel order id; a NULL key matches no row."""
    p = driver_param(dialect)
    return (  # placeholders only
        "SELECT id, request_hash, placed_by, idempotency_key, channel, channel_order_id"  # noqa: S608
        f" FROM orders WHERE tenant_id = {p}"
        f" AND (idempotency_key = {p} OR (channel = {p} AND channel_order_id = {p}))"
    )
