"""Availability per location: the POS's stock, operators' snoozes, and what they do to
the published menu.

Both are kept apart from the menu (``domain.availability``) and laid over every menu
``menus.store_menu`` saves, so a full import, a one-item refresh or the scheduled
reconcile cannot make a sold-out or snoozed item orderable again. Every change
re-stores the location's menu, which publishes the difference like any other menu
change: ``menu.updated`` to storefronts and a publish job per channel (Wix ``inStock``).

- Stock: a POS reports stock per storage (Poster's ``stock`` webhook names one); only
  the locations whose POS facts list that storage are touched.
- Snoozes: ``POST /api/v1/admin/locations/{id}/snoozes``; each one books a
  ``menu.snooze_ended`` job at its ``until``, which drops it and republishes, so the
  item comes back by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from orderbridge.domain.availability import Snooze, SnoozeTarget, StockMark, find_target
from orderbridge.ports import ConnectionRecord, PosSystem, UnitOfWork
from orderbridge.services import menus
from orderbridge.services.errors import NotFound, ServiceError
from orderbridge.services.ids import new_id

SNOOZE_ENDED = "menu.snooze_ended"
MAX_SNOOZES = 500

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]


def add_snoozes(
    uow: UowFactory,
    *,
    tenant_id: str,
    location_id: str,
    targets: Sequence[tuple[SnoozeTarget, str]],
    until: datetime,
    reason: str,
    clock: Clock,
) -> list[Snooze]:
    """Snooze each target (item, variant or modifier id of the menu) until ``until``.

    All or nothing: an id the published menu does not have, or an ``until`` not in the
    future, is refused (``ServiceError`` naming the field) and nothing is stored.
    """
    now = clock()
    with uow() as tx:
        if tx.get_location(location_id, tenant_id=tenant_id) is None:
            raise NotFound("unknown_location", "no such location", field="location_id")
        menu = tx.get_menu(location_id)
        if menu is None:
            raise ServiceError(
                "menu_not_published", "the location has no menu yet", field="location_id"
            )
        if until <= now:
            raise ServiceError("invalid_time", "a snooze must end in the future", field="until")
        if len(tx.snoozes(location_id)) + len(targets) > MAX_SNOOZES:
            raise ServiceError("too_many_snoozes", f"at most {MAX_SNOOZES} snoozes", field="items")
        added = []
        for index, (target, target_id) in enumerate(targets):
            if find_target(menu, target, target_id) is None:
                raise NotFound(
                    f"unknown_{target.value}",
                    f"the menu has no {target.value} {target_id!r}",
                    field=f"{target.value}_ids[{index}]",
                )
            snooze = Snooze(
                id=new_id("snz"),
                location_id=location_id,
                target=target,
                target_id=target_id,
                until=until,
                reason=reason,
            )
            tx.add_snooze(snooze, created_at=now)
            added.append(snooze)
        key = f"snooze:{location_id}:{until.isoformat()}"
        if not tx.is_queued(SNOOZE_ENDED, key):
            tx.enqueue(SNOOZE_ENDED, {"location_id": location_id}, key=key, run_after=until)
        tx.commit()
    republish(location_id, uow=uow, clock=clock)
    return added


def list_snoozes(
    uow: UnitOfWork, *, tenant_id: str, location_id: str, now: datetime
) -> list[Snooze]:
    """The location's snoozes still running at ``now``, soonest end first."""
    if uow.get_location(location_id, tenant_id=tenant_id) is None:
        raise NotFound("unknown_location", "no such location", field="location_id")
    return [s for s in uow.snoozes(location_id) if s.active_at(now)]


def remove_snooze(
    uow: UowFactory, *, tenant_id: str, location_id: str, snooze_id: str, clock: Clock
) -> None:
    """End a snooze now (``DELETE``); the item is available again at once."""
    with uow() as tx:
        if tx.get_location(location_id, tenant_id=tenant_id) is None:
            raise NotFound("unknown_location", "no such location", field="location_id")
        if not tx.remove_snooze(location_id, snooze_id):
            raise NotFound("unknown_snooze", "no such snooze", field="id")
        tx.commit()
    republish(location_id, uow=uow, clock=clock)


def snooze_ended(location_id: str, *, uow: UowFactory, clock: Clock) -> dict[str, Any]:
    """``menu.snooze_ended``: forget the snoozes that are over and republish."""
    with uow() as tx:
        purged = tx.purge_snoozes(location_id, ended_by=clock())
        tx.commit()
    return {"purged": purged, **republish(location_id, uow=uow, clock=clock)}


def record_stock(
    location_ids: Sequence[str],
    item_id: str,
    *,
    in_stock: bool,
    uow: UowFactory,
    clock: Clock,
) -> dict[str, Any]:
    """The POS reports ``item_id`` in or out of stock at these locations' storage."""
    results: dict[str, Any] = {}
    for location_id in location_ids:
        with uow() as tx:
            changed = tx.set_stock_mark(
                location_id, StockMark(item_id), out_of_stock=not in_stock, at=clock()
            )
            tx.commit()
        results[location_id] = (
            republish(location_id, uow=uow, clock=clock) if changed else {"changed": False}
        )
    return results


async def stock_changed(
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Clock,
    connection_id: str,
    item_id: str,
    *,
    storage_id: str,
    left: float | None,
) -> dict[str, Any]:
    """The POS says stock of ``item_id`` moved in one of its storages: only the locations
    of that storage hear of it (in stock again above zero, sold out at zero or below).

    A location whose POS facts are not known yet (no menu import since the hub learned
    to ask) has them fetched first, so a stock change never lands on every spot.
    """
    if left is None:
        return {"ignored": "stock without a level"}
    with uow() as tx:
        connection = tx.get_connection(connection_id)
        bindings = list(tx.locations_of_connection(connection_id))
        targets = list(tx.locations_with_storage(connection_id, storage_id))
    if connection is None:
        return {"skipped": "unknown_connection"}
    if not targets and bindings:
        pos = pos_for(connection)
        places = await pos.fetch_locations()
        with uow() as tx:
            for binding in bindings:
                facts = menus.pos_facts(pos, binding, places, now=clock())
                tx.save_pos_facts(binding.location_id, facts)
            targets = list(tx.locations_with_storage(connection_id, storage_id))
            tx.commit()
    stock = record_stock(targets, item_id, in_stock=left > 0, uow=uow, clock=clock)
    return {"storage": storage_id, "stock": stock}


def republish(location_id: str, *, uow: UowFactory, clock: Clock) -> dict[str, Any]:
    """Store the location's menu again with today's availability laid over it; a real
    difference is published like any menu change."""
    with uow() as tx:
        menu = tx.get_pos_menu(location_id)
    if menu is None:
        return {"skipped": "no_menu"}
    return menus.store_menu(menu, uow=uow, source_connection_id=None, clock=clock)
