"""``GET /api/v1/orders``: a tenant's orders, newest first, a page at a time.

Pages are cut by a cursor, not an offset: the cursor names the last order of a page
(its ``created_at`` and id), and the next page starts strictly after it in the
listing's order (``created_at`` descending, then id descending). Orders placed while
a client pages through never shift what it has still to read, and no order is seen
twice. The cursor is opaque to clients (base64 of JSON) and checked on the way in.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, or_, select

from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.ports import StoredOrder
from orderbridge.storage import order_rows as rows

MAX_PAGE = 200


@dataclass(frozen=True)
class OrderQuery:
    """Which orders to list; ``placed_by`` limits a storefront key to its own."""

    tenant_id: str
    placed_by: str | None = None
    status: str | None = None
    location_id: str | None = None
    since: datetime | None = None
    channel_order_id: str | None = None


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last order listed."""

    created_at: datetime
    order_id: str

    def encode(self) -> str:
        raw = json.dumps([self.created_at.isoformat(), self.order_id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor ``encode`` wrote; ``ValueError`` for anything else."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            moment, order_id = json.loads(raw)
            created_at = datetime.fromisoformat(moment)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
            raise ValueError("not a cursor this API gave") from error
        if created_at.tzinfo is None or not isinstance(order_id, str):
            raise ValueError("not a cursor this API gave")
        return cls(created_at, order_id)


def list_orders(
    connection: Connection, query: OrderQuery, *, after: Cursor | None, limit: int
) -> tuple[list[StoredOrder], Cursor | None]:
    """One page of orders and the cursor of the next (None: this was the last page)."""
    o = rows.ORDERS.c
    conditions = [o.tenant_id == query.tenant_id]
    if query.placed_by is not None:
        conditions.append(o.placed_by == query.placed_by)
    if query.status is not None:
        conditions.append(o.status == query.status)
    if query.location_id is not None:
        conditions.append(o.location_id == query.location_id)
    if query.since is not None:
        conditions.append(o.created_at >= query.since)
    if query.channel_order_id is not None:
        conditions.append(o.channel_order_id == query.channel_order_id)
    if after is not None:
        conditions.append(
            or_(
                o.created_at < after.created_at,
                and_(o.created_at == after.created_at, o.id < after.order_id),
            )
        )
    statement = (
        rows.ORDER_SELECT.add_columns(o.created_at)
        .where(*conditions)
        .order_by(o.created_at.desc(), o.id.desc())
        .limit(min(limit, MAX_PAGE) + 1)
    )
    found = connection.execute(statement).all()
    page = found[: min(limit, MAX_PAGE)]
    timelines = _timelines(connection, [row.id for row in page])
    orders = [rows.stored_order(row, rows.order_from_row(row, timelines[row.id])) for row in page]
    more = len(found) > len(page)
    last = page[-1] if page else None
    return orders, (Cursor(last.created_at, last.id) if more and last is not None else None)


def _timelines(connection: Connection, order_ids: list[str]) -> dict[str, list[TimelineEntry]]:
    """The timelines of ``order_ids``, in one query."""
    by_order: dict[str, list[TimelineEntry]] = defaultdict(list)
    if not order_ids:
        return by_order
    tl = rows.TIMELINE.c
    found = connection.execute(
        select(tl.subject_id, tl.at, tl.status, tl.event, tl.detail)
        .where(tl.subject_kind == "order", tl.subject_id.in_(order_ids))
        .order_by(tl.subject_id, tl.id)
    )
    for subject_id, at, status, event, detail in found:
        by_order[subject_id].append(TimelineEntry(at=at, status=status, event=event, detail=detail))
    return by_order
