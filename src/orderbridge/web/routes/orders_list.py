"""``GET /api/v1/orders``: the orders a key may see, newest first, cursor-paginated.

A storefront key lists the orders it placed (a website's "my orders" or a sync job); an
admin key lists every order of its tenant.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from orderbridge.domain.orders import OrderStatus
from orderbridge.storage.order_list import MAX_PAGE, Cursor, OrderQuery, list_orders
from orderbridge.web.convert import order_to_out
from orderbridge.web.deps import AnyCaller, Context
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS, own_only
from orderbridge.web.schemas import OrdersOut

router = APIRouter(prefix="/api/v1", responses=ERRORS)


@router.get("/orders", response_model=OrdersOut, tags=["orders"])
def list_orders_route(
    ctx: Context,
    who: AnyCaller,
    status: OrderStatus | None = None,
    location_id: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[
        str | None,
        Query(
            description="only orders created at or after this moment (ISO 8601, with offset)",
            json_schema_extra={"format": "date-time"},
            max_length=64,
        ),
    ] = None,
    channel_order_id: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> OrdersOut:
    """Orders newest first; follow ``next_cursor`` for older ones."""
    moment = _moment(since)
    try:
        after = Cursor.decode(cursor) if cursor else None
    except ValueError:
        message = "not a cursor this API gave"
        raise ApiError(422, "invalid_cursor", message, "query.cursor") from None
    query = OrderQuery(
        tenant_id=who.tenant_id,
        placed_by=own_only(who),
        status=status.value if status is not None else None,
        location_id=location_id,
        since=moment,
        channel_order_id=channel_order_id,
    )
    with (ctx.readers or ctx.sessions)() as session:
        page, following = list_orders(session.connection(), query, after=after, limit=limit)
    return OrdersOut(
        orders=[order_to_out(s.order, updated_at=s.updated_at) for s in page],
        next_cursor=following.encode() if following is not None else None,
    )


# RFC 3339's date-time (what the document's ``format: date-time`` means), the offset
# optional here only to say what is missing. Taken as a string and read by hand:
# pydantic's datetime also takes a bare number as a Unix time and a date alone.
DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?"
)


def _moment(since: str | None) -> datetime | None:
    """``since`` as an aware datetime: an RFC 3339 date-time with its offset."""
    if since is None:
        return None
    found = DATE_TIME.fullmatch(since)
    if found is None:
        message = "since is a date-time: 2026-11-22T10:00:00+02:00"
        raise ApiError(422, "invalid_type", message, "query.since")
    if found.group("offset") is None:
        raise ApiError(422, "naive_datetime", "since needs a UTC offset", "query.since")
    try:
        return datetime.fromisoformat(since.upper())
    except ValueError as error:  # a 13th month, a 61st second
        raise ApiError(422, "invalid_value", f"since: {error}", "query.since") from None
