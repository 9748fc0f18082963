"""Wiring the Wix channel into the hub: connectors per connection, their id maps, and
the job handlers. Part of the composition root (``bootstrap`` builds one per hub).

Handlers added: ``inbox.wix`` (a verified Wix event), ``channel.order_changed``,
``channel.publish_menu``, ``channel.location_status`` and ``wix.import_pos_order``;
each POS's stored-webhook handler is wrapped (:meth:`WixChannels.importing_register_orders`)
so that a register check the hub has no order for queues its import into opted-in Wix
connections.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy.orm import Session

from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.worker import Handler
from orderbridge.ports import ConnectionRecord, PosSystem, UnitOfWork
from orderbridge.services.locations import LOCATION_STATUS
from orderbridge.services.menus import PUBLISH_MENU
from orderbridge.services.notify import CHANNEL_ORDER_CHANGED
from orderbridge.storage.channel_refs import SqlChannelRefs

if TYPE_CHECKING:
    from orderbridge.connectors.wix.connector import WixConnector

# The Wix modules are imported by the first Wix job or connection, not with the hub
# (idle memory of a hub without Wix; docs/benchmarks.md, "Idle RSS … (round 7,
# rss3)"), so the job table names these two kinds itself; a test compares them with
# ``connectors.wix.events.WIX_EVENT`` and ``connectors.wix.register.IMPORT_POS_ORDER``.
WIX_EVENT = "inbox.wix"
IMPORT_POS_ORDER = "wix.import_pos_order"


@dataclass
class WixChannels:
    """One Wix connector per connection (rebuilt when its settings change)."""

    sessions: Callable[[], Session]
    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    pos_for: Callable[[ConnectionRecord], PosSystem]
    transport: httpx.AsyncBaseTransport | None = None
    _connectors: dict[str, tuple[str, WixConnector]] = field(default_factory=dict)

    def refs_for(self, connection_id: str) -> SqlChannelRefs:
        return SqlChannelRefs(self.sessions, connection_id)

    def channel_for(self, connection: ConnectionRecord) -> WixConnector:
        fingerprint = hashlib.sha256(
            json.dumps([connection.settings, connection.credentials], sort_keys=True).encode()
        ).hexdigest()
        cached = self._connectors.get(connection.id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        from orderbridge.connectors.wix.connector import WixConnector
        from orderbridge.connectors.wix.settings import WixSettings

        settings = WixSettings.model_validate({**connection.settings, **connection.credentials})
        connector = WixConnector.from_settings(
            settings, self.refs_for(connection.id), transport=self.transport, clock=self.clock
        )
        self._connectors[connection.id] = (fingerprint, connector)
        return connector

    async def region_for(self, connection: ConnectionRecord) -> str | None:
        """The connection's restaurant country, for phones typed without a country code."""
        return await self.channel_for(connection).country()

    async def aclose(self) -> None:
        for _, connector in self._connectors.values():
            await connector.aclose()
        self._connectors.clear()

    def handlers(self) -> dict[str, Handler]:
        """The Wix job handlers."""

        async def wix_event(job: JobView) -> Mapping[str, Any]:
            from orderbridge.connectors.wix import events

            return await events.handle_wix_event(
                job.payload,
                uow=self.uow,
                refs_for=self.refs_for,
                clock=self.clock,
                region_for=self.region_for,
            )

        async def order_changed(job: JobView) -> Mapping[str, Any]:
            from orderbridge.connectors.wix import jobs

            return await jobs.order_changed(
                job.payload,
                connection_id=job.connection_id,
                uow=self.uow,
                channel_for=self.channel_for,
            )

        async def publish_menu(job: JobView) -> Mapping[str, Any]:
            from orderbridge.connectors.wix import jobs

            return await jobs.publish_menu(job.payload, uow=self.uow, channel_for=self.channel_for)

        async def location_status(job: JobView) -> Mapping[str, Any]:
            from orderbridge.connectors.wix import jobs

            return await jobs.location_status(
                job.payload, uow=self.uow, channel_for=self.channel_for, clock=self.clock
            )

        async def import_pos_order(job: JobView) -> Mapping[str, Any]:
            from orderbridge.connectors.wix import register

            return await register.import_pos_order(
                job.payload,
                uow=self.uow,
                pos_for=self.pos_for,
                channel_for=self.channel_for,
                refs_for=self.refs_for,
            )

        return {
            WIX_EVENT: wix_event,
            CHANNEL_ORDER_CHANGED: order_changed,
            PUBLISH_MENU: publish_menu,
            LOCATION_STATUS: location_status,
            IMPORT_POS_ORDER: import_pos_order,
        }

    def importing_register_orders(self, pos_event: Handler) -> Handler:
        """``pos_event`` (a POS's stored-webhook handler), followed by queueing the import
        into opted-in Wix connections of a register check the hub has no order for."""

        async def then_import(job: JobView) -> Mapping[str, Any] | None:
            result = await pos_event(job)
            check = (result or {}).get("unknown_check")
            if check is None:
                return result
            from orderbridge.connectors.wix import register

            queued = register.queue_imports(
                self.uow,
                pos_connection_id=str(job.payload["connection_id"]),
                check_id=str(check),
            )
            return {**(result or {}), "wix_imports": queued}

        return then_import
