"""Menus from the POS to the channels: import, compare, publish only what changed.

A full import (on a schedule, or on demand) and a single-item refresh (on a POS
webhook) both end in :func:`store_menu`: the location's availability (the POS's stock
marks, operators' snoozes: ``domain.availability``) is laid over the new menu, which
is compared with the stored one, and only a real difference is saved and announced
(``menu.updated`` to storefronts, a publish job per channel connection). An unchanged
menu costs no outbound call, and no import can undo a stock mark or a snooze.

A full import also asks the POS about the place itself (``PosSystem.fetch_locations``):
its currency, storages and tables, kept as the location's ``PosFacts`` for the checks
made before an order is answered and for routing stock webhooks to the right spot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from orderbridge.domain.availability import apply_availability
from orderbridge.domain.location_options import PosFacts, TableInfo
from orderbridge.domain.menu import Item, Menu
from orderbridge.domain.menu_diff import MenuDiff, diff
from orderbridge.ports import (
    ConnectionRecord,
    LocationBinding,
    PosLocationInfo,
    PosSystem,
    UnitOfWork,
)
from orderbridge.services import mapping, notify

IMPORT_MENU = "menu.import"
PUBLISH_MENU = "channel.publish_menu"

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]


async def import_menu(
    location_id: str, *, uow: UowFactory, pos_for: PosFactory, clock: Clock
) -> dict[str, Any]:
    """Fetch the location's whole menu from its POS and publish the difference."""
    with uow() as tx:
        binding = tx.pos_binding(location_id)
    if binding is None:
        return {"skipped": "no_pos_connection"}
    connection, location = binding
    pos = pos_for(connection)
    if not pos.capabilities.menu_import:  # the channels keep the menu they have
        return {"skipped": "no_menu_import"}
    menu = await pos.fetch_menu(location=location)
    places = await pos.fetch_locations()
    with uow() as tx:
        tx.save_pos_facts(location_id, pos_facts(pos, location, places, now=clock()))
        tx.commit()
    return store_menu(menu, uow=uow, source_connection_id=connection.id, clock=clock)


def pos_facts(
    pos: PosSystem, location: LocationBinding, places: Sequence[PosLocationInfo], *, now: datetime
) -> PosFacts:
    """What ``pos`` says of ``location``'s place (nothing when it no longer lists it)."""
    place = next((p for p in places if p.external_id == location.external_id), None)
    needs = pos.capabilities
    if place is None:
        return PosFacts(
            requires_phone=needs.requires_phone, requires_table=needs.requires_table, fetched_at=now
        )
    return PosFacts(
        currency=place.currency,
        storages=tuple(str(s) for s in place.storages),
        tables=tuple(TableInfo(t.external_id, t.name, t.seats) for t in place.tables),
        requires_phone=needs.requires_phone,
        requires_table=needs.requires_table,
        fetched_at=now,
    )


def store_menu(
    menu: Menu, *, uow: UowFactory, source_connection_id: str | None, clock: Clock
) -> dict[str, Any]:
    """Save ``menu`` (as the POS gives it), with the location's availability laid over
    it, if it differs from the stored one, and announce the change."""
    with uow() as tx:
        record = tx.get_location(menu.location_id)
        if record is None:
            return {"skipped": "unknown_location"}
        pos_menu = menu
        menu = apply_availability(
            pos_menu,
            out_of_stock=tx.stock_marks(menu.location_id),
            snoozes=tx.snoozes(menu.location_id),
            now=clock(),
        )
        change = diff(tx.get_menu(menu.location_id), menu)
        if change.is_empty:
            stored = tx.get_pos_menu(menu.location_id)
            if stored is not None and stored.version != pos_menu.version:
                # What the POS says moved, what is published did not: keep it quietly.
                tx.save_menu(menu, source_connection_id=source_connection_id, pos_menu=pos_menu)
                tx.commit()
            return {"changed": False, "version": menu.version}
        tx.save_menu(menu, source_connection_id=source_connection_id, pos_menu=pos_menu)
        _announce(tx, record.tenant_id, change, clock())
        mapping.queue_rematch(tx, menu.location_id)  # channels with their own menus
        for channel in tx.channel_connections(menu.location_id):
            if mapping.keeps_own_menu(tx, menu.location_id, channel.id):
                continue  # its menu is its own: the POS menu is mapped, not published
            tx.enqueue(
                PUBLISH_MENU,
                {"location_id": menu.location_id, "connection_id": channel.id},
                key=f"publish:{channel.id}:{menu.location_id}",
                connection_id=channel.id,
            )
        tx.commit()
    return {
        "changed": True,
        "version": menu.version,
        "added": len(change.added_items),
        "changed_items": len(change.changed_items),
        "removed": len(change.removed_items),
    }


def refresh_item(
    location_id: str,
    item_id: str,
    item: Item | None,
    category_id: str | None,
    *,
    uow: UowFactory,
    clock: Clock,
) -> dict[str, Any]:
    """Replace (or, with ``item`` None, remove) one item of the stored menu."""
    with uow() as tx:
        current = tx.get_pos_menu(location_id)
    if current is None:
        return {"skipped": "no_menu"}
    if item is None:
        updated = current.without_item(item_id) if current.item(item_id) else current
    else:
        target = category_id or (current.category_of(item_id) or _first(current)).id
        if not any(c.id == target for c in current.categories):
            return {"skipped": "unknown_category", "reimport": True}
        updated = current.with_item(item, target)
    return store_menu(updated, uow=uow, source_connection_id=None, clock=clock)


def _first(menu: Menu) -> Any:
    return menu.categories[0]


def _announce(tx: UnitOfWork, tenant_id: str, change: MenuDiff, at: datetime) -> None:
    """``menu.updated`` to the storefronts, from the diff's :class:`MenuChanged` event."""
    event = change.as_event(at)
    notify.publish(
        tx,
        tenant_id=tenant_id,
        event="menu.updated",
        data={
            "location_id": event.location_id,
            "version": event.version,
            "previous_version": event.previous_version,
            "added_items": list(event.added_items),
            "changed_items": list(event.changed_items),
            "removed_items": list(event.removed_items),
        },
        key=f"menu:{event.location_id}",
        at=at,
    )
