"""The order list: one tenant's orders, filtered and paged in the database.

A page is two queries (the rows and their count) reading only the columns a row shows;
the customer's name comes out of the JSON document in SQL, so no order is decoded to
draw the list, however many the tenant has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from orderbridge.domain.orders import OrderStatus
from orderbridge.storage import tables as t

PER_PAGE = 50
STATUSES = tuple(s.value for s in OrderStatus)


@dataclass(frozen=True)
class OrderFilter:
    """What the operator asked to see; empty fields match everything."""

    status: str = ""
    location_id: str = ""
    day_from: date | None = None
    day_to: date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params: dict[str, str]) -> OrderFilter:
        """Read the query string, ignoring values that make no sense (not an error page)."""
        status = params.get("status", "")
        return cls(
            status=status if status in STATUSES else "",
            location_id=params.get("location", "")[:64],
            day_from=_day(params.get("from", "")),
            day_to=_day(params.get("to", "")),
            q=params.get("q", "").strip()[:100],
        )

    def as_query(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "location": self.location_id,
            "from": self.day_from.isoformat() if self.day_from else "",
            "to": self.day_to.isoformat() if self.day_to else "",
            "q": self.q,
        }

    def conditions(self, tenant_id: str, zone: ZoneInfo) -> list[ColumnElement[bool]]:
        """SQL conditions; days are whole days in the dashboard's time zone."""
        conds: list[ColumnElement[bool]] = [t.OrderRecord.tenant_id == tenant_id]
        if self.status:
            conds.append(t.OrderRecord.status == self.status)
        if self.location_id:
            conds.append(t.OrderRecord.location_id == self.location_id)
        if self.day_from:
            conds.append(t.OrderRecord.created_at >= _start(self.day_from, zone))
        if self.day_to:
            conds.append(t.OrderRecord.created_at < _start(self.day_to + timedelta(days=1), zone))
        if self.q:
            conds.append(
                or_(
                    t.OrderRecord.id == self.q,
                    t.OrderRecord.channel_order_id == self.q,
                    t.OrderRecord.pos_order_id == self.q,
                )
            )
        return conds


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


@dataclass(frozen=True)
class OrderRow:
    """One line of the order list."""

    id: str
    channel: str
    channel_order_id: str
    status: str
    location_id: str
    customer_name: str
    total_amount: int
    currency: str
    pos_order_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class OrderPage:
    rows: Sequence[OrderRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def order_page(
    session: Session,
    tenant_id: str,
    where: OrderFilter,
    *,
    zone: ZoneInfo,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> OrderPage:
    """Page ``page`` (from 1) of the tenant's orders matching ``where``, newest first."""
    conds = where.conditions(tenant_id, zone)
    total = session.scalar(select(func.count()).select_from(t.OrderRecord).where(*conds)) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    order = t.OrderRecord
    name = order.document["customer"]["name"].as_string().label("customer_name")
    rows = session.execute(
        select(
            order.id,
            order.channel,
            order.channel_order_id,
            order.status,
            order.location_id,
            name,
            order.total_amount,
            order.currency,
            order.pos_order_id,
            order.created_at,
        )
        .where(*conds)
        .order_by(order.created_at.desc(), order.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return OrderPage(
        rows=[
            OrderRow(
                id=row.id,
                channel=row.channel,
                channel_order_id=row.channel_order_id,
                status=row.status,
                location_id=row.location_id,
                customer_name=str(row.customer_name or ""),
                total_amount=row.total_amount,
                currency=row.currency,
                pos_order_id=row.pos_order_id,
                created_at=row.created_at,
            )
            for row in rows
        ],
        total=int(total),
        page=page,
        per_page=per_page,
    )


def status_counts(session: Session, tenant_id: str) -> dict[str, int]:
    """How many of the tenant's orders are in each status."""
    rows = session.execute(
        select(t.OrderRecord.status, func.count())
        .where(t.OrderRecord.tenant_id == tenant_id)
        .group_by(t.OrderRecord.status)
    ).all()
    return {str(status): int(n) for status, n in rows}


def location_names(session: Session, tenant_id: str) -> dict[str, str]:
    rows = session.execute(
        select(t.Location.id, t.Location.name)
        .where(t.Location.tenant_id == tenant_id)
        .order_by(t.Location.name)
    ).all()
    return {str(i): str(n) for i, n in rows}
