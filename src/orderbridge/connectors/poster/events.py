"""What the hub does with a verified Poster webhook, once a worker picks it up.

The ingress (``web/routes/ingress.py``) verifies, stores the event in the inbox and
queues ``inbox.poster`` (unless ``webhooks.needs_work`` says there is nothing to do:
an incoming order's *added*, an ignored entity); this module runs it. Webhooks are
treated as hints, not truths: an order hint queues ``order.reconcile``, which asks
Poster for the order's real state, so a duplicated, reordered or stale webhook cannot
move an order wrongly. What each hint means to the hub is in
:mod:`orderbridge.services.pos_events`, shared by every POS; this module only says
which of Poster's webhooks is which hint (an ``incoming_order`` is an order, a
``transaction`` the order's check, a ``product`` or ``dish`` an item …). It also reads
webhooks sent to the registry's generic route (:func:`read_webhook`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pydantic import SecretStr

from orderbridge import safejson
from orderbridge.connectors._entry import InboundEvent
from orderbridge.connectors.poster.webhooks import (
    REREAD_WHEN_REPEATED,
    AppInstalled,
    AppRemoved,
    CategoryChanged,
    CheckChanged,
    MenuItemChanged,
    OrderStatusHint,
    PosterWebhook,
    StockChanged,
    WebhookRejected,
    classify,
    needs_work,
    verify_webhook,
)
from orderbridge.ports import ConnectionRecord, PosSystem, UnitOfWork
from orderbridge.services import availability, pos_events

POSTER_EVENT = "inbox.poster"

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]


def read_webhook(
    connection: ConnectionRecord, headers: Mapping[str, str], body: bytes, *, now: datetime
) -> list[InboundEvent]:
    """A Poster webhook sent to ``/webhooks/pos/{connection}`` (the registry's generic
    route): verified with the connection's application secret before anything else.

    Poster's own route, ``/webhooks/poster``, serves every account of a deployment at one
    URL and also installs and removes the hub's application; here those application
    events are kept for audit only (no job).
    """
    secret = connection.credentials.get("application_secret")
    if not isinstance(secret, str) or not secret:
        raise WebhookRejected("no_webhook_secret", "the connection has no application secret")
    try:
        payload = safejson.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRejected("invalid_webhook", "the body is not JSON") from None
    hook = verify_webhook(payload, secret=SecretStr(secret))
    command = classify(hook)
    work = needs_work(command) and not isinstance(command, AppInstalled | AppRemoved)
    data = event_payload(hook, connection.id)
    return [
        InboundEvent(
            external_id=hook.dedup_key,
            payload=data,
            job_kind=POSTER_EVENT if work else None,
            job_key=f"poster:{connection.id}:{hook.object}:{hook.object_id}",
            again=hook.object in REREAD_WHEN_REPEATED,
        )
    ]


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
    match command:
        case OrderStatusHint(pos_order_id=pos_order_id):
            return pos_events.order_changed(uow, connection_id, pos_order_id)
        case CheckChanged(transaction_id=check_id):
            return pos_events.check_changed(uow, connection_id, check_id)
        case MenuItemChanged(product_id=product_id, removed=removed):
            return await pos_events.item_changed(
                uow, pos_for, clock, connection_id, product_id, removed=removed
            )
        case StockChanged(product_id=product_id, storage_id=storage_id, left=left):
            # Per storage: only the spots of that storage (services.availability).
            return await availability.stock_changed(
                uow, pos_for, clock, connection_id, product_id, storage_id=storage_id, left=left
            )
        case CategoryChanged():
            return pos_events.menu_changed(uow, connection_id)
    return {"ignored": hook.object}
