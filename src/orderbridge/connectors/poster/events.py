"""What the hub does with a verified Poster webhook, once a worker picks it up.

The ingress (``web/routes/ingress.py``) verifies, stores the event in the inbox and
queues ``inbox.poster`` (unless ``webhooks.needs_work`` says there is nothing to do:
an incoming order's *added*, an ignored entity); this module runs it. Webhooks are
treated as hints, not truths: an order hint queues ``order.reconcile``, which asks
Poster for the order's real state, so a duplicated, reordered or stale webhook cannot
move an order wrongly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.connectors.poster.webhooks import (
    CategoryChanged,
    CheckChanged,
    MenuItemChanged,
    OrderStatusHint,
    PosterWebhook,
    StockChanged,
    classify,
    needs_work,
)
from orderbridge.ports import ConnectionRecord, PosSystem, UnitOfWork
from orderbridge.services import availability, menus
from orderbridge.services.pipeline import RECONCILE_ORDER
from orderbridge.services.reservations import RECONCILE_RESERVATION

POSTER_EVENT = "inbox.poster"

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]


def event_payload(hook: PosterWebhook, connection_id: str) -> dict[str, Any]:
    """What the inbox job carries: the webhook without its signature (no secrets)."""
    return {
        "connection_id": connection_id,
        "account": hook.account,
        "account_number": hook.account_number,
        "object": hook.object,
        "object_id": hook.object_id,
        "action": hook.action,
        "time": hook.time,
        "data": hook.data,
    }


async def handle_poster_event(
    payload: Mapping[str, Any],
    *,
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """Run one stored Poster webhook."""
    hook = PosterWebhook(
        account=str(payload["account"]),
        account_number=str(payload.get("account_number", "")),
        object=str(payload["object"]),
        object_id=str(payload["object_id"]),
        action=str(payload["action"]),
        time=str(payload["time"]),
        data=payload.get("data"),
    )
    connection_id = str(payload["connection_id"])
    command = classify(hook)
    if not needs_work(command):
        # The ingress queues no job for these (an event stored before it learnt to, or
        # replayed, still ends here). An order's "added": created through the API (by
        # the hub, or by another app), there is no state to catch up on yet; the
        # cashier's moves come as "changed" webhooks.
        if isinstance(command, OrderStatusHint):
            return {"created_at_pos": command.pos_order_id}
        return {"ignored": hook.object}
    if isinstance(command, OrderStatusHint):
        return _reconcile_by_pos(uow, connection_id, command.pos_order_id)
    if isinstance(command, CheckChanged):
        return _reconcile_by_check(uow, connection_id, command.transaction_id)
    if isinstance(command, StockChanged):
        return await _stock(uow, pos_for, clock, connection_id, command)
    if isinstance(command, MenuItemChanged):
        return await _refresh(
            uow, pos_for, clock, connection_id, command.product_id, removed=command.removed
        )
    if isinstance(command, CategoryChanged):
        return _reimport(uow, connection_id)
    return {"ignored": hook.object}


def _reconcile_by_pos(uow: UowFactory, connection_id: str, pos_id: str) -> dict[str, Any]:
    with uow() as tx:
        order = tx.find_order_by_pos(connection_id, pos_id)
        if order is not None:
            tx.enqueue(
                RECONCILE_ORDER,
                {"order_id": order.order.id},
                key=order.order.id,
                connection_id=connection_id,
            )
            tx.commit()
            return {"reconcile": order.order.id}
        reservation = tx.find_reservation_by_pos(connection_id, pos_id)
        if reservation is not None:
            rid = reservation.reservation.id
            tx.enqueue(
                RECONCILE_RESERVATION, {"reservation_id": rid}, key=rid, connection_id=connection_id
            )
            tx.commit()
            return {"reconcile": rid}
    # Not (yet) known: created at the register, or its submission has not committed.
    # The sweep reconciles it once the submission records the POS id.
    return {"unknown_incoming_order": pos_id}


def _reconcile_by_check(uow: UowFactory, connection_id: str, check_id: str) -> dict[str, Any]:
    with uow() as tx:
        finder = getattr(tx, "find_order_by_check", None)
        order = finder(connection_id, check_id) if finder is not None else None
        if order is None:
            return {"unknown_check": check_id}
        tx.enqueue(
            RECONCILE_ORDER,
            {"order_id": order.order.id},
            key=order.order.id,
            connection_id=connection_id,
        )
        tx.commit()
    return {"reconcile": order.order.id}


async def _refresh(
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Callable[[], datetime],
    connection_id: str,
    product_id: str,
    *,
    removed: bool,
) -> dict[str, Any]:
    with uow() as tx:
        connection = tx.get_connection(connection_id)
        bindings = list(tx.locations_of_connection(connection_id))
    if connection is None:
        return {"skipped": "unknown_connection"}
    connector = pos_for(connection)
    results = {}
    for binding in bindings:
        found = None
        if not removed and isinstance(connector, PosterConnector):
            found = await connector.refresh_item(product_id, location=binding)
        results[binding.location_id] = menus.refresh_item(
            binding.location_id,
            product_id,
            found.item if found else None,
            found.category_id if found else None,
            uow=uow,
            clock=clock,
        )
        if results[binding.location_id].get("reimport"):
            _reimport(uow, connection_id)
    return {"refreshed": results}


async def _stock(
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Callable[[], datetime],
    connection_id: str,
    command: StockChanged,
) -> dict[str, Any]:
    """Stock moved in one storage: only the locations of that storage hear of it.

    A location whose POS facts are not known yet (no menu import since the hub learned
    to ask) has them fetched first, so a stock webhook never lands on every spot.
    """
    if command.left is None:
        return {"ignored": "stock without a level"}
    with uow() as tx:
        connection = tx.get_connection(connection_id)
        bindings = list(tx.locations_of_connection(connection_id))
        targets = list(tx.locations_with_storage(connection_id, command.storage_id))
    if connection is None:
        return {"skipped": "unknown_connection"}
    if not targets and bindings:
        pos = pos_for(connection)
        places = await pos.fetch_locations()
        with uow() as tx:
            for binding in bindings:
                tx.save_pos_facts(
                    binding.location_id, menus.pos_facts(pos, binding, places, now=clock())
                )
            targets = list(tx.locations_with_storage(connection_id, command.storage_id))
            tx.commit()
    stock = availability.record_stock(
        targets, command.product_id, in_stock=command.left > 0, uow=uow, clock=clock
    )
    return {"storage": command.storage_id, "stock": stock}


def _reimport(uow: UowFactory, connection_id: str) -> dict[str, Any]:
    with uow() as tx:
        bindings = list(tx.locations_of_connection(connection_id))
        for binding in bindings:
            tx.enqueue(
                menus.IMPORT_MENU,
                {"location_id": binding.location_id},
                key=f"menu:{binding.location_id}",
            )
        tx.commit()
    return {"reimport": [b.location_id for b in bindings]}
