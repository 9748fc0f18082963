"""The ``mapping.import_channel_menu`` job: a channel's own menu, read from the channel.

The connector registry says which kinds of channel can be read (``read_own_menu`` of
their entry; Wix today); the menu read is stored and matched as an uploaded one would
be (``services.mapping.put_channel_menu``), the matching off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import anyio.to_thread

from orderbridge import connectors
from orderbridge.connectors._entry import BuildContext
from orderbridge.matching import ChannelMode
from orderbridge.ports import UnitOfWork
from orderbridge.services import mapping

IMPORT_CHANNEL_MENU = "mapping.import_channel_menu"


def can_read_own_menu(kind: str) -> bool:
    """True if the hub can read the own menu of a channel of ``kind``."""
    found = connectors.CONNECTORS.get(kind)
    return found is not None and found.read_own_menu is not None


async def import_channel_menu(
    payload: Mapping[str, Any],
    *,
    uow: Callable[[], UnitOfWork],
    context: BuildContext,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """Read the channel's own menu from it, store it (``own`` mode) and match it."""
    location_id, channel = str(payload["location_id"]), str(payload["channel"])
    with uow() as tx:
        connection = tx.get_connection(channel)
        record = tx.get_location(location_id)
        binding = next(
            (b for b in tx.locations_of_connection(channel) if b.location_id == location_id), None
        )
    if connection is None or record is None or binding is None:
        return {"skipped": "not_a_channel_of_the_location"}
    reader = connectors.entry(connection.kind, role="channel").read_own_menu
    if reader is None:
        return {"skipped": "the channel's menu cannot be read from it"}
    document = await reader(
        connection, context, place=binding.external_id, currency=record.location.currency
    )
    summary = await anyio.to_thread.run_sync(
        lambda: mapping.put_channel_menu(
            uow=uow,
            tenant_id=record.tenant_id,
            location_id=location_id,
            channel=channel,
            mode=ChannelMode.OWN,
            document=document,
            clock=clock,
        )
    )
    return {"items": summary.items, "counts": summary.counts}
