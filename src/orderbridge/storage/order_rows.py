"""Orders and timelines as rows: prebuilt Core statements and cheap row → domain steps.

Placing and submitting an order are the hub's hot paths, and there the ORM (building a
query per call, identity map, unit-of-work flush) cost several times the SQL itself.
So the order and timeline statements are built once, here, with ``bindparam``
placeholders, and run on the unit of work's connection; rows become domain objects by
hand. The statements are on the tables' own columns, so the column types still
process what goes in and comes out (UTC timestamps, JSON documents) on SQLite and
PostgreSQL alike.

An order's document (what the channel asked for) never changes once stored, and
decoding it is the dearest part of a read: decoded documents are kept per order id
(:func:`decoded`), and a kept one is used only while the stored document still equals
the one it was decoded from.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Dialect, Integer, Row, Table, bindparam, select, update

from orderbridge.domain.customers import Customer
from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.order_details import Fulfilment, OrderLine, Payment
from orderbridge.domain.order_money import Charge, Discount
from orderbridge.domain.orders import Order, OrderKey, OrderStatus
from orderbridge.ports import StoredOrder
from orderbridge.sql.driver import driver_param, stored_time
from orderbridge.storage import codec
from orderbridge.storage import tables as t

AnyRow = Row[*tuple[Any, ...]]
"""A result row of any shape (SQLAlchemy types rows by their columns)."""

ORDERS = cast(Table, t.OrderRecord.__table__)
TIMELINE = cast(Table, t.TimelineRecord.__table__)
_o = ORDERS.c
_tl = TIMELINE.c

# Everything an order read needs, in this order (see ``StoredOrder``).
_ORDER = select(
    _o.id,
    _o.tenant_id,
    _o.status,
    _o.document,
    _o.request_hash,
    _o.idempotency_key,
    _o.pos_connection_id,
    _o.pos_order_id,
    _o.pos_check_id,
    _o.external_refs,
    _o.version,
    _o.updated_at,
    _o.placed_by,
)
ORDER_SELECT = _ORDER
"""Every column an order read needs, for statements built elsewhere (``order_list``)."""
ORDER_BY_ID = _ORDER.where(_o.id == bindparam("order_id"))
ORDER_BY_CHANNEL_ID = _ORDER.where(
    _o.tenant_id == bindparam("tenant_id"),
    _o.channel == bindparam("channel"),
    _o.channel_order_id == bindparam("channel_order_id"),
)
ORDER_BY_IDEMPOTENCY_KEY = _ORDER.where(
    _o.tenant_id == bindparam("tenant_id"), _o.idempotency_key == bindparam("key")
)
ORDER_BY_POS_ID = _ORDER.where(
    _o.pos_connection_id == bindparam("connection_id"), _o.pos_order_id == bindparam("pos_id")
).limit(1)
ORDER_BY_CHECK_ID = _ORDER.where(
    _o.pos_connection_id == bindparam("connection_id"), _o.pos_check_id == bindparam("pos_id")
).limit(1)
ORDERS_TO_RECONCILE = (
    _ORDER.where(
        _o.pos_order_id.is_not(None),
        _o.status.in_(
            [
                OrderStatus.SUBMITTED.value,
                OrderStatus.ACCEPTED.value,
                OrderStatus.CANCEL_REQUESTED.value,
            ]
        ),
        _o.updated_at < bindparam("updated_before"),
    )
    .order_by(_o.updated_at)
    .limit(bindparam("limit", type_=Integer))
)

# Only what telling a new order from a repeat needs: no document, no timeline.
FINGERPRINT_BY_CHANNEL_ID = select(_o.id, _o.request_hash, _o.placed_by).where(
    _o.tenant_id == bindparam("tenant_id"),
    _o.channel == bindparam("channel"),
    _o.channel_order_id == bindparam("channel_order_id"),
)
FINGERPRINT_BY_IDEMPOTENCY_KEY = select(_o.id, _o.request_hash, _o.placed_by).where(
    _o.tenant_id == bindparam("tenant_id"), _o.idempotency_key == bindparam("key")
)
# The SET clause is the columns named in the parameters; ``b_*`` are the WHERE values.
UPDATE_ORDER = update(ORDERS).where(
    _o.id == bindparam("b_id"), _o.version == bindparam("b_version")
)

TIMELINE_OF = (
    select(_tl.at, _tl.status, _tl.event, _tl.detail)
    .where(_tl.subject_kind == bindparam("kind"), _tl.subject_id == bindparam("subject_id"))
    .order_by(_tl.id)
)


# The two inserts are driver-level SQL (``orderbridge.sql.driver``): SQLAlchemy's
# parameter processing of a Core insert cost more than SQLite spends on the row.
_ORDER_COLUMNS = (
    "id, tenant_id, location_id, channel, channel_order_id, status, document, request_hash,"
    " idempotency_key, total_amount, currency, external_refs, version, created_at,"
    " updated_at, placed_by"
)


@functools.cache
def insert_order(dialect: str) -> str:
    """Driver-level SQL adding one ``orders`` row (no POS ids yet, version 1).

    Positional parameters, as :data:`_ORDER_COLUMNS` names them less ``version``: the
    ``document`` and ``external_refs`` as JSON text, the two times as
    :func:`~orderbridge.sql.driver.stored_time` gives them.
    """
    p, doc = driver_param(dialect), driver_param(dialect, json=True)
    values = (p,) * 6 + (doc, p, p, p, p, doc, "1", p, p, p)
    # Placeholders and constants only: no value is ever written into the SQL.
    return f"INSERT INTO orders ({_ORDER_COLUMNS}) VALUES ({', '.join(values)})"  # noqa: S608


@functools.cache
def insert_timeline(dialect: str) -> str:
    """Driver-level SQL adding ``timeline`` rows (executemany); parameters per row:
    subject kind, subject id, ``at`` (a ``stored_time``), status, event, detail."""
    p = driver_param(dialect)
    return (  # placeholders only
        "INSERT INTO timeline (subject_kind, subject_id, at, status, event, detail)"  # noqa: S608
        f" VALUES ({p}, {p}, {p}, {p}, {p}, {p})"
    )


class OrderBody(NamedTuple):
    """The unchanging half of an order, decoded (immutable values, safe to share)."""

    key: OrderKey
    location_id: str
    lines: tuple[OrderLine, ...]
    customer: Customer
    fulfilment: Fulfilment
    payment: Payment | None
    note: str
    created_at: datetime
    discounts: tuple[Discount, ...] = ()
    charges: tuple[Charge, ...] = ()


# Decoded documents by order id: (the document as stored, its body).
_BODIES: dict[str, tuple[dict[str, Any], OrderBody]] = {}
BODIES_KEPT = 4096


def body_of(order: Order) -> OrderBody:
    return OrderBody(
        key=order.key,
        location_id=order.location_id,
        lines=order.lines,
        customer=order.customer,
        fulfilment=order.fulfilment,
        payment=order.payment,
        note=order.note,
        created_at=order.created_at,
        discounts=order.discounts,
        charges=order.charges,
    )


def remember(order_id: str, document: dict[str, Any], body: OrderBody) -> None:
    """Keep ``body`` as the decoding of ``document`` (an order just written, say)."""
    if len(_BODIES) >= BODIES_KEPT:
        _BODIES.clear()
    _BODIES[order_id] = (document, body)


def decoded(order_id: str, document: dict[str, Any]) -> OrderBody:
    """The body of the stored ``document``, decoded once per order and document.

    Raises ``ValueError`` naming the bad field when the document is malformed.
    """
    kept = _BODIES.get(order_id)
    if kept is not None and kept[0] == document:
        return kept[1]
    body = body_of(
        codec.order_from_json(
            document, id=order_id, status=OrderStatus.RECEIVED, timeline=(), external_refs={}
        )
    )
    remember(order_id, document, body)
    return body


def order_from_row(row: AnyRow, timeline: Sequence[TimelineEntry]) -> Order:
    """The order of a row selected by one of the ``ORDER_BY_*`` statements."""
    body = decoded(row.id, row.document)
    return Order(
        id=row.id,
        key=body.key,
        location_id=body.location_id,
        lines=body.lines,
        customer=body.customer,
        fulfilment=body.fulfilment,
        created_at=body.created_at,
        payment=body.payment,
        note=body.note,
        status=OrderStatus(row.status),
        timeline=timeline,
        external_refs={k: str(v) for k, v in row.external_refs.items()},
        discounts=body.discounts,
        charges=body.charges,
    )


def stored_order(row: AnyRow, order: Order) -> StoredOrder:
    """The bookkeeping of an ``ORDER_SELECT`` row around its decoded ``order``."""
    return StoredOrder(
        order=order,
        tenant_id=row.tenant_id,
        request_hash=row.request_hash,
        idempotency_key=row.idempotency_key,
        pos_connection_id=row.pos_connection_id,
        pos_order_id=row.pos_order_id,
        pos_check_id=row.pos_check_id,
        updated_at=row.updated_at,
        placed_by=row.placed_by,
    )


def timeline_from_rows(rows: Sequence[AnyRow]) -> list[TimelineEntry]:
    return [TimelineEntry(at=r[0], status=r[1], event=r[2], detail=r[3]) for r in rows]


def timeline_rows(
    dialect: Dialect, kind: str, subject_id: str, entries: Sequence[TimelineEntry]
) -> list[tuple[object, ...]]:
    """Parameters for :func:`insert_timeline`, one tuple per entry."""
    return [
        (kind, subject_id, stored_time(dialect, e.at), str(e.status), e.event, e.detail)
        for e in entries
    ]
