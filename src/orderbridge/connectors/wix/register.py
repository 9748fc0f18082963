"""POS orders into Wix: checks made at the register, not through the hub (opt-in).

Trigger: a Poster ``transaction`` webhook for a check the hub has no order for (the
Poster event handler answers ``unknown_check``). For every Wix connection of the
check's location with ``import_pos_orders`` on, an ``wix.import_pos_order`` job asks
the POS for the check through the port (``PosSystem.fetch_register_check``, where
``Capabilities.register_checks`` says the POS has them; the Wix side never calls the
POS's own API) and, once the check is closed — only then
is its content final — creates the order in Wix with restaurant catalog references
from this connection's published menu, the hub menu's item names, the register's
quantities and prices (the variant named in ``descriptionLines``), then its
fulfilment. Checks of the
hub's own orders carry the ``[ob:…]`` marker in their comment and are left alone. The
mapping (Poster check ↔ Wix order) is kept in the connection's id map, so a check is
imported once however many webhooks it causes; a try that crashed between Wix's
Create Order and storing that mapping finds the order in Wix by its
``externalOrderId`` instead of creating it again. The hub's own Wix events about the new
order are recognised by its ``externalOrderId`` and ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.jobs import KIND
from orderbridge.connectors.wix.mapping import PosLine, item_key, sub_key
from orderbridge.domain.menu import Menu
from orderbridge.domain.register_checks import RegisterCheck
from orderbridge.ports import ConnectionRecord, PosSystem, UnitOfWork

IMPORT_POS_ORDER = "wix.import_pos_order"
HUB_MARKER = "[ob:"

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
ChannelFactory = Callable[[ConnectionRecord], WixConnector]
RefsFactory = Callable[[str], r.RefStore]


def queue_imports(uow: UowFactory, *, pos_connection_id: str, check_id: str) -> list[str]:
    """Queue an import per opted-in Wix connection of the POS connection's locations."""
    queued = []
    with uow() as tx:
        for binding in tx.locations_of_connection(pos_connection_id):
            for channel in tx.channel_connections(binding.location_id):
                if channel.kind != KIND or not channel.settings.get("import_pos_orders"):
                    continue
                tx.enqueue(
                    IMPORT_POS_ORDER,
                    {
                        "pos_connection_id": pos_connection_id,
                        "check_id": check_id,
                        "location_id": binding.location_id,
                        "connection_id": channel.id,
                    },
                    key=f"pos-import:{channel.id}:{check_id}",
                    connection_id=channel.id,
                )
                queued.append(channel.id)
        tx.commit()
    return queued


async def import_pos_order(
    payload: Mapping[str, Any],
    *,
    uow: UowFactory,
    pos_for: PosFactory,
    channel_for: ChannelFactory,
    refs_for: RefsFactory,
) -> dict[str, Any]:
    """``wix.import_pos_order``: mirror one closed register check into Wix, once."""
    pos_id, check_id = str(payload["pos_connection_id"]), str(payload["check_id"])
    location_id = str(payload["location_id"])
    with uow() as tx:
        wix = tx.get_connection(str(payload["connection_id"]))
        pos_connection = tx.get_connection(pos_id)
        binding = tx.pos_binding(location_id)
        menu = tx.get_menu(location_id)
    if wix is None or pos_connection is None or binding is None:
        return {"skipped": "unknown_connection"}
    if not wix.settings.get("import_pos_orders"):
        return {"skipped": "import_off"}
    refs = refs_for(wix.id)
    key = f"{pos_id}/{check_id}"
    known = refs.get(r.POS_ORDER, key)
    if known is not None:
        return {"skipped": "imported", "wix_order_id": known.external_id}
    pos = pos_for(pos_connection)
    if not pos.capabilities.register_checks:
        return {"skipped": "pos_without_checks"}
    check = await pos.fetch_register_check(check_id, location=binding[1])
    if check is None or HUB_MARKER in check.comment:
        return {"skipped": "hub_order_or_gone"}
    if check.place_id != binding[1].external_id:
        return {"skipped": "other_spot"}
    if not check.closed:
        return {"waiting": "check_open"}
    currency = binding[1].currency
    lines = pos_lines(check, location_id, refs, menu or Menu(location_id, currency))
    if not lines:
        return {"skipped": "nothing_published"}
    order = await channel_for(wix).create_pos_order(
        lines, external_order_id=key, paid=check.fully_paid, done=True
    )
    refs.put(r.POS_ORDER, key, order.id)
    return {"wix_order_id": order.id, "lines": len(lines)}


def pos_lines(check: RegisterCheck, loc: str, refs: r.RefStore, menu: Menu) -> list[PosLine]:
    """The check's lines that are on this connection's published Wix menu, named from
    the hub's menu (the POS's check carries ids, not names) at the register's prices."""
    published = refs.published_menu(loc) or menu
    wix_menu = refs.get(r.MENU, loc)
    lines = []
    for product in check.lines:
        wix_item = refs.get(r.ITEM, item_key(loc, product.item_id))
        category = published.category_of(product.item_id)
        section = refs.get(r.SECTION, item_key(loc, category.id)) if category else None
        if wix_item is None or section is None or wix_menu is None:
            continue
        item = menu.item(product.item_id) or published.item(product.item_id)
        variant = item.variant(product.variant_id) if item and product.variant_id else None
        wix_variant = (
            refs.get(r.VARIANT, sub_key(loc, product.item_id, product.variant_id))
            if product.variant_id
            else None
        )
        details = [variant.name] if variant else []
        if product.details:
            details.append(product.details)
        lines.append(
            PosLine(
                wix_item_id=wix_item.external_id,
                menu_id=wix_menu.external_id,
                section_id=section.external_id,
                quantity=product.quantity,
                unit_price=product.unit_price,
                name=item.name if item else product.item_id,
                wix_variant_id=wix_variant.external_id if wix_variant else None,
                details=tuple(details),
            )
        )
    return lines
