"""What the hub does with a verified Wix webhook, once a worker picks it up.

The ingress (``web/routes/wix_ingress.py``) verifies the JWT, stores the event in the
inbox (deduplicated by the event id) and queues ``inbox.wix``; this module runs it.
Order Created and Order Approved both carry the whole order: whichever runs first
makes the hub order (its channel order id is the Wix order id), the other finds it and
changes nothing, so resends and any arrival order are harmless. Orders the hub itself
created in Wix (POS orders it imports) are recognised by their ``externalOrderId`` and
left alone; an order Created while still ``INITIALIZED`` (waiting for an online
payment) waits for its Approved. Order Canceled cancels the hub order unless it is
final.

What no retry can fix fails the job at once (a dead letter with its reason, and a log
line): an order not shaped as Wix documents it (``invalid_order``: a quantity outside
1..100000, ``lineItems`` that is not a list …) and one in another currency than the
location's (``currency_mismatch``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import structlog

from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.mapping import (
    POS_IMPORT_PREFIX,
    external_refs,
    order_draft,
)
from orderbridge.connectors.wix.schemas import WixEvent, WixOrder
from orderbridge.connectors.wix.webhooks import (
    OrderArrived,
    OrderCanceledAtWix,
    WixWebhook,
    classify,
)
from orderbridge.ports import (
    ConnectionRecord,
    DuplicateKey,
    LocationBinding,
    PermanentError,
    UnitOfWork,
)
from orderbridge.services.channel_orders import place_channel_order
from orderbridge.services.errors import Conflict
from orderbridge.services.orders import cancel_order

WIX_EVENT = "inbox.wix"

UowFactory = Callable[[], UnitOfWork]
RefsFactory = Callable[[str], r.RefStore]
Clock = Callable[[], datetime]
RegionFor = Callable[[ConnectionRecord], Awaitable[str | None]]
"""The country (ISO 3166 alpha-2) a connection's restaurant is in, for national phones."""

_log = structlog.get_logger(__name__)


async def _no_region(connection: ConnectionRecord) -> str | None:
    return None


def event_payload(hook: WixWebhook, connection_id: str) -> dict[str, Any]:
    """What the inbox row and the job carry: the unwrapped event (no JWT)."""
    return {
        "connection_id": connection_id,
        "event_id": hook.event_id,
        "event_type": hook.event_type,
        "instance_id": hook.instance_id,
        "event": hook.event.model_dump(mode="json"),
    }


async def handle_wix_event(
    payload: Mapping[str, Any],
    *,
    uow: UowFactory,
    refs_for: RefsFactory,
    clock: Clock,
    region_for: RegionFor = _no_region,
) -> dict[str, Any]:
    """Run one stored Wix event."""
    connection_id = str(payload["connection_id"])
    event = WixEvent.model_validate(payload["event"])
    try:
        command = classify(event)
    except PermanentError as error:
        _log.warning(
            "wix event refused",
            connection_id=connection_id,
            event_id=event.id,
            wix_order_id=event.entityId,
            code=error.code,
            reason=error.reason,
        )
        raise
    with uow() as tx:
        connection = tx.get_connection(connection_id)
        bindings = list(tx.locations_of_connection(connection_id))
    if connection is None:
        return {"skipped": "unknown_connection"}
    if isinstance(command, OrderArrived):
        if event.slug == "created" and command.order.status == "INITIALIZED":
            return {"waiting": "payment", "wix_order_id": command.order.id}
        region = await region_for(connection)
        try:
            return _order_arrived(command.order, connection, bindings, uow, refs_for, clock, region)
        except PermanentError as error:
            _log.warning(
                "wix order refused",
                connection_id=connection_id,
                event_id=event.id,
                wix_order_id=command.order.id,
                code=error.code,
                reason=error.reason,
            )
            raise
    if isinstance(command, OrderCanceledAtWix):
        return _canceled(command.wix_order_id, connection, uow, clock)
    return {"ignored": f"{event.entityFqdn}:{event.slug}"}


def _order_arrived(
    order: WixOrder,
    connection: ConnectionRecord,
    bindings: Sequence[LocationBinding],
    uow: UowFactory,
    refs_for: RefsFactory,
    clock: Clock,
    region: str | None,
) -> dict[str, Any]:
    if (order.channelInfo.externalOrderId or "").startswith(POS_IMPORT_PREFIX):
        return {"ignored": "imported_from_pos", "wix_order_id": order.id}
    binding = _binding_of(order, bindings)
    refs = refs_for(connection.id)
    mapped = order_draft(
        order,
        location_id=binding.location_id,
        currency=binding.currency,
        resolve=refs.local_id,
        region=region,
    )
    if mapped is None:
        return {"ignored": "no_restaurant_items", "wix_order_id": order.id}
    for _ in range(2):  # Created and Approved may run at once on two workers
        try:
            with uow() as tx:
                placed = place_channel_order(
                    tx,
                    tenant_id=connection.tenant_id,
                    draft=mapped.draft,
                    request_hash=f"wix:{order.id}",
                    now=clock(),
                    channel_connection_id=connection.id,
                    external_refs=external_refs(order, connection.id),
                    extra_problems=mapped.problems,
                )
            break
        except DuplicateKey:
            continue
    else:
        raise DuplicateKey(f"wix order {order.id} is being stored by someone else")
    found = placed.stored.order
    return {"order_id": found.id, "created": placed.created, "status": found.status.value}


def _binding_of(order: WixOrder, bindings: Sequence[LocationBinding]) -> LocationBinding:
    """The hub location of the order: by its business location or a line's operation."""
    if not bindings:
        raise PermanentError("unlinked_connection", "the Wix connection has no hub location")
    names = {order.businessLocation.id if order.businessLocation else ""}
    for line in order.lineItems:
        if line.catalogReference is not None:
            names.add(str(line.catalogReference.options.get("operationId", "")))
    for binding in bindings:
        if binding.external_id in names:
            return binding
    if len(bindings) == 1:
        return bindings[0]
    raise PermanentError("unknown_location", f"no hub location for Wix order {order.id}")


def _canceled(
    wix_order_id: str, connection: ConnectionRecord, uow: UowFactory, clock: Clock
) -> dict[str, Any]:
    with uow() as tx:
        stored = tx.find_order(connection.tenant_id, "wix", wix_order_id)
        if stored is None or stored.order.is_final:
            return {"skipped": "unknown_or_final", "wix_order_id": wix_order_id}
        try:
            cancel_order(
                tx,
                tenant_id=connection.tenant_id,
                order_id=stored.order.id,
                reason="canceled at Wix",
                now=clock(),
            )
        except Conflict:
            return {"skipped": "final"}
    return {"canceled": stored.order.id}
