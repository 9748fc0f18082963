"""incomingOrders.*Reservation*: table reservations, type-2 incoming orders.

A reservation names a table of its spot, a start (``Y-m-d H:i:s``) and a duration of at
least half an hour. Its answers write ids and counts as strings but ``status`` and
``client_id`` as numbers, exactly as the reference's examples do.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.incoming_orders import (
    check_datetime,
    read_customer,
    readers,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import IncomingOrder

MIN_DURATION_SECONDS = 1800


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)


def reservation_view(order: IncomingOrder, *, created: bool = False) -> dict[str, Any]:
    """A reservation as getReservation(s) answers it; ``created``: createReservation's.

    The reference shows no ``table_id`` in any reservation answer, so there is none.
    """
    view: dict[str, Any] = {"incoming_order_id": str(order.incoming_order_id)}
    if created:
        view["type"] = str(order.type)
    view |= {
        "spot_id": str(order.spot_id),
        "status": order.status,
        "client_id": order.client_id,
        "first_name": order.first_name,
        "last_name": order.last_name,
        "phone": order.phone,
        "email": order.email,
        "sex": _str(order.sex),
        "birthday": order.birthday,
        "address": order.address,
    }
    if created:
        # createReservation's example puts guests_count before the comment.
        view["guests_count"] = _str(order.guests_count)
    view |= {
        "comment": order.comment,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "transaction_id": _str(order.transaction_id),
    }
    if created:
        view |= {
            "fiscal_spreading": str(order.fiscal_spreading),
            "fiscal_method": order.fiscal_method,
            "promotion": order.promotion,
            "date_reservation": order.date_reservation,
            "duration": _str(order.duration),
        }
    else:
        view |= {
            "guests_count": _str(order.guests_count),
            "duration": _str(order.duration),
            "date_reservation": order.date_reservation,
        }
    return view


def create_reservation(ctx: CallContext, params: Params) -> dict[str, Any]:
    """incomingOrders.createReservation.

    ``date_reservation`` is kept as sent, in the account's local time. (The reference's
    example answers two hours later than it was sent; nothing public explains that
    shift, so the sandbox does not invent one.)
    """
    spot_id = params.req_int("spot_id")
    if spot_id not in ctx.account.spots:
        raise not_found("spot_id", spot_id)
    table_id = params.req_int("table_id")
    table = ctx.account.tables.get(table_id)
    if table is None or table.is_deleted or table.spot_id != spot_id:
        raise not_found("table_id", table_id)
    date_reservation = check_datetime(params.str("date_reservation"), "date_reservation")
    if date_reservation is None:
        raise missing("date_reservation")
    duration = params.req_int("duration")
    if duration < MIN_DURATION_SECONDS:
        raise PosterError(
            400, f"duration must be at least {MIN_DURATION_SECONDS} seconds", field="duration"
        )
    guests_count = params.int("guests_count", 1)
    if guests_count is None or guests_count < 1:
        raise PosterError(400, "guests_count must be at least 1", field="guests_count")
    order_type = params.int("type", 2)
    if order_type != 2:
        raise PosterError(400, "type must be 2 for a reservation", field="type")
    customer = read_customer(ctx, params)

    now = ctx.now_str()
    order_id = ctx.account.next_id("incoming_order")
    order = IncomingOrder(
        incoming_order_id=order_id,
        type=2,
        spot_id=spot_id,
        created_at=now,
        updated_at=now,
        table_id=table_id,
        guests_count=guests_count,
        date_reservation=date_reservation,
        duration=duration,
        application_id=ctx.application_id,
        **customer,
    )
    ctx.account.incoming_orders[order_id] = order
    ctx.emit("incoming_order", order_id, "added")
    return reservation_view(order, created=True)


METHODS: dict[str, Handler] = {
    "incomingOrders.createReservation": create_reservation,
    **readers(2, "Reservation", reservation_view),
}
