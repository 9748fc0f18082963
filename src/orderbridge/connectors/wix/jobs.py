"""Outbox jobs that reach Wix: order changes, menu publishing, store status.

Each handler takes the job's payload and what it needs as keyword arguments (the
composition root wires them), loads fresh state, makes the Wix calls through the
connector, and records the outcome. All are safe to run twice: a fulfilment is looked
up before it is created, status updates and cancels are idempotent at Wix, and menu
publishing diffs against what this connection last published.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.domain.timing import prep_minutes
from orderbridge.ports import ConnectionRecord, UnitOfWork

KIND = "wix"

UowFactory = Callable[[], UnitOfWork]
ChannelFactory = Callable[[ConnectionRecord], WixConnector]
Clock = Callable[[], datetime]


def _wix_connection(uow: UowFactory, connection_id: str) -> ConnectionRecord | None:
    with uow() as tx:
        connection = tx.get_connection(connection_id)
    if connection is None or connection.kind != KIND or connection.status != "active":
        return None
    return connection


async def order_changed(
    payload: Mapping[str, Any],
    *,
    connection_id: str | None,
    uow: UowFactory,
    channel_for: ChannelFactory,
) -> dict[str, Any]:
    """``channel.order_changed``: tell Wix the order moved (see the connector's table)."""
    order_id, event = str(payload["order_id"]), str(payload["event"])
    with uow() as tx:
        stored = tx.get_order(order_id)
    if stored is None:
        return {"skipped": "unknown_order"}
    connection_id = connection_id or stored.order.external_refs.get("channel_connection_id")
    connection = _wix_connection(uow, connection_id or "")
    if connection is None:
        return {"skipped": "not_a_wix_connection"}
    order = stored.order
    seen = len(order.timeline)
    await channel_for(connection).order_changed(order, event=event)
    with uow() as tx:  # the order may have moved meanwhile: add to the fresh copy
        fresh = tx.get_order(order_id)
        assert fresh is not None
        fresh.order.external_refs.update(order.external_refs)
        for entry in order.timeline[seen:]:
            fresh.order.record(entry.at, entry.event, entry.detail)
        tx.save_order(fresh.order)
        tx.commit()
    return {"event": event, "wix": [e.event for e in order.timeline[seen:]]}


async def publish_menu(
    payload: Mapping[str, Any], *, uow: UowFactory, channel_for: ChannelFactory
) -> dict[str, Any]:
    """``channel.publish_menu``: publish the location's menu to one Wix connection."""
    location_id = str(payload["location_id"])
    connection = _wix_connection(uow, str(payload["connection_id"]))
    if connection is None:
        return {"skipped": "not_a_wix_connection"}
    with uow() as tx:
        menu = tx.get_menu(location_id)
        record = tx.get_location(location_id)
    if menu is None or record is None:
        return {"skipped": "no_menu"}
    connector = channel_for(connection)
    connector.menu_name = record.location.name
    stats = await connector.publish(menu)
    return {"version": menu.version, **stats.as_dict()}


async def location_status(
    payload: Mapping[str, Any], *, uow: UowFactory, channel_for: ChannelFactory, clock: Clock
) -> dict[str, Any]:
    """``channel.location_status``: set the Wix operation to the location's status now
    (the job may run late, so the status is computed when it runs) with its preparation
    time (busy mode's minutes included), push its opening hours, and confirm both."""
    location_id = str(payload["location_id"])
    connection = _wix_connection(uow, str(payload["connection_id"]))
    if connection is None:
        return {"skipped": "not_a_wix_connection"}
    with uow() as tx:
        record = tx.get_location(location_id)
    if record is None:
        return {"skipped": "unknown_location"}
    location = record.location
    status = location.status_at(clock())
    connector = channel_for(connection)
    minutes = prep_minutes(record.options.timing, status)
    confirmed = await connector.set_operation_status(status, prep_minutes=minutes)
    pushed = await connector.push_hours(location.schedule, timezone=location.timezone)
    return {
        "status": status.state.value,
        "wix": confirmed,
        "prep_minutes": minutes,
        **pushed.as_dict(),
    }
