"""What the hub does with a verified REST POS webhook, once a worker picks it up.

The webhook reader stored the event with its meaning (``means``) and the ids the
manifest pointed at; this runs it as the hub's command, shared by every POS
(:mod:`orderbridge.services.pos_events`). Webhooks are hints: an order's status
change makes the hub ask the POS (``get_order``), never believe the body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from orderbridge.ports import ConnectionRecord, PosSystem, UnitOfWork
from orderbridge.services import pos_events


async def handle_rest_pos_event(
    payload: Mapping[str, Any],
    *,
    uow: Callable[[], UnitOfWork],
    pos_for: Callable[[ConnectionRecord], PosSystem],
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """Run one stored REST POS webhook (``inbox.rest_pos``)."""
    connection_id = str(payload["connection_id"])
    means = str(payload.get("means", "ignore"))
    if means in ("order_status_changed", "reservation_status_changed"):
        return pos_events.order_changed(uow, connection_id, str(payload["pos_order_id"]))
    if means in ("item_changed", "item_removed"):
        return await pos_events.item_changed(
            uow,
            pos_for,
            clock,
            connection_id,
            str(payload["item_id"]),
            removed=means == "item_removed",
            in_stock=not _truthy(payload.get("sold_out")),
        )
    if means == "menu_changed":
        return pos_events.menu_changed(uow, connection_id)
    if means == "availability_changed":
        location = payload.get("location")
        return pos_events.availability_changed(
            uow,
            clock,
            connection_id,
            online=_truthy(payload.get("online")),
            external_location_id=None if location is None else str(location),
        )
    if means == "schedule_changed":
        location = payload.get("location")
        return await pos_events.schedule_changed(
            uow,
            pos_for,
            clock,
            connection_id,
            external_location_id=None if location is None else str(location),
        )
    return {"ignored": payload.get("type")}


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on", "online")
    return bool(value)
