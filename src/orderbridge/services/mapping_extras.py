"""The mapping kept on the POS's side too: channel ids in Poster's product extras.

Poster's guide suggests product extras (``application.setEntityExtras``) for keeping
the link between a site's products and Poster's, so that it survives a reinstall.
The hub's own tables stay the source of truth; when the POS can keep extras (the
``KeepsProductExtras`` port, Poster with its ``write_extras`` setting on), the
``mapping.write_extras`` job writes, on each mapped POS product, the ids of the channel
items that use it: ``{"orderbridge": {"storefront": "web-01,tr-01", "<wix connection>":
"…"}}``. One waiting job per location at a time; each run writes every mapped product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from orderbridge.domain.menu import Item
from orderbridge.matching import ChannelMode
from orderbridge.ports import ConnectionRecord, KeepsProductExtras, PosSystem, UnitOfWork

WRITE_EXTRAS = "mapping.write_extras"

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]


def queue_extras(uow: UnitOfWork, location_id: str) -> None:
    """Queue a write of the location's mappings to its POS, unless one is waiting."""
    key = f"{WRITE_EXTRAS}:{location_id}"
    if not uow.is_queued(WRITE_EXTRAS, key):
        connection_id = uow.pos_connection_id(location_id)
        uow.enqueue(
            WRITE_EXTRAS, {"location_id": location_id}, key=key, connection_id=connection_id
        )


def mapped_items(uow: UnitOfWork, location_id: str) -> list[Item]:
    """The POS items that own channel items use, each with refs naming them by channel."""
    menu = uow.get_menu(location_id)
    if menu is None:
        return []
    names: dict[str, dict[str, list[str]]] = {}
    for channel_menu in uow.mappings.channel_menus(location_id):
        if channel_menu.mode is not ChannelMode.OWN:
            continue
        present = {item.id for item in channel_menu.items}
        mappings = uow.mappings.mappings(location_id, channel_menu.channel)
        for item_id, mapping in sorted(mappings.items()):
            if item_id in present and mapping.status.usable and mapping.target is not None:
                by_channel = names.setdefault(mapping.target.item_id, {})
                by_channel.setdefault(channel_menu.channel, []).append(item_id)
    found = []
    for pos_id, by_channel in sorted(names.items()):
        item = menu.item(pos_id)
        if item is not None:
            refs = {channel: ",".join(ids) for channel, ids in by_channel.items()}
            found.append(replace(item, refs={**item.refs, **refs}))
    return found


async def write_extras(location_id: str, *, uow: UowFactory, pos_for: PosFactory) -> dict[str, Any]:
    """The ``mapping.write_extras`` job."""
    with uow() as tx:
        binding = tx.pos_binding(location_id)
        items = mapped_items(tx, location_id)
    if binding is None:
        return {"skipped": "no_pos_connection"}
    pos = pos_for(binding[0])
    if not isinstance(pos, KeepsProductExtras):
        return {"skipped": "the POS keeps no extras"}
    return {"written": await pos.write_product_extras(items), "mapped_products": len(items)}
